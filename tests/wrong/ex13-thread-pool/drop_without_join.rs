//! Known wrong: Drop closes the queue but never joins, so it returns while workers are still running.
//! expect-fail: workers-joined: drop returned while workers were still running

use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    sender: Option<mpsc::Sender<Job>>,
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..size {
            let receiver = Arc::clone(&receiver);
            // The JoinHandle is dropped at once: the thread is detached.
            thread::spawn(move || loop {
                let job = receiver.lock().unwrap().recv();
                match job {
                    Ok(job) => {
                        let _ = panic::catch_unwind(AssertUnwindSafe(job));
                    }
                    Err(_) => break,
                }
            });
        }
        ThreadPool {
            sender: Some(sender),
        }
    }

    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender.as_ref().unwrap().send(Box::new(f)).unwrap();
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // The workers will stop once the queue is empty, but nobody waits.
        drop(self.sender.take());
    }
}
