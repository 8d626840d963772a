//! Known wrong: each worker has its own channel and `execute` deals the jobs out in turn, so a job can wait behind a slow one while other workers are idle.
//! expect-fail: no-job-waits-for-a-busy-worker: waited behind the busy worker

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    workers: Vec<(Option<Sender<Job>>, Option<JoinHandle<()>>)>,
    next: AtomicUsize,
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0);
        let workers = (0..size)
            .map(|_| {
                // No lock to share: every worker owns its receiver.
                let (tx, rx) = mpsc::channel::<Job>();
                let handle = thread::spawn(move || {
                    for job in rx {
                        let _ = panic::catch_unwind(AssertUnwindSafe(job));
                    }
                });
                (Some(tx), Some(handle))
            })
            .collect();
        ThreadPool {
            workers,
            next: AtomicUsize::new(0),
        }
    }

    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.workers.len();
        if let Some(tx) = &self.workers[i].0 {
            tx.send(Box::new(f)).unwrap();
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        for (tx, _) in &mut self.workers {
            drop(tx.take());
        }
        for (_, handle) in &mut self.workers {
            if let Some(handle) = handle.take() {
                let _ = handle.join();
            }
        }
    }
}
