//! Known wrong: the job queue is a rendezvous channel (`sync_channel(0)`, "so jobs never pile up"), so execute waits until a worker is free to take the job: with every worker busy, execute blocks.
//! expect-fail: execute-returns-at-once: execute waited for a free worker

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    sender: Option<SyncSender<Job>>,
}

impl ThreadPool {
    /// Starts a pool of `size` worker threads.
    ///
    /// # Panics
    /// If `size` is zero.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a pool needs at least one worker");
        // No buffer: a job is handed straight to an idle worker.
        let (sender, receiver) = mpsc::sync_channel::<Job>(0);
        let receiver: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                thread::spawn(move || loop {
                    let job = receiver.lock().unwrap().recv();
                    match job {
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => break,
                    }
                })
            })
            .collect();
        ThreadPool {
            workers,
            sender: Some(sender),
        }
    }

    /// Queues `f` to run on one of the workers, and returns at once.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        if let Some(sender) = &self.sender {
            sender.send(Box::new(f)).expect("the workers live as long as the pool");
        }
    }
}

impl Drop for ThreadPool {
    /// Shuts the pool down: every queued job still runs, then every worker
    /// thread is joined.
    fn drop(&mut self) {
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
