//! Known wrong: execute sends the job with a reply channel and waits for the worker to say it finished, so the pool runs one job at a time.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: at most 1 of the 4 jobs ran at the same time on a pool of 4
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads that run the jobs given to [`execute`].
///
/// [`execute`]: ThreadPool::execute
pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    sender: Option<Sender<(Job, Sender<()>)>>,
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a pool needs at least one worker");
        let (sender, receiver) = mpsc::channel::<(Job, Sender<()>)>();
        let receiver: Arc<Mutex<Receiver<(Job, Sender<()>)>>> = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                thread::spawn(move || loop {
                    let message = receiver.lock().unwrap().recv();
                    let Ok((job, done)) = message else { break };
                    let _ = panic::catch_unwind(AssertUnwindSafe(job));
                    let _ = done.send(());
                })
            })
            .collect();
        ThreadPool {
            workers,
            sender: Some(sender),
        }
    }

    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        // Wait for the acknowledgement, so that no job is ever lost.
        let (done_tx, done_rx) = mpsc::channel();
        if let Some(sender) = &self.sender {
            sender
                .send((Box::new(f), done_tx))
                .expect("the workers are gone");
            let _ = done_rx.recv();
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
