//! Known wrong: the worker catches a job's panic but then leaves its loop, treating a failed job like a closed queue: every panic costs a worker.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: survives-panicking-jobs: after 2 panics your pool ran 0 of 2 jobs
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
    sender: Option<Sender<Job>>,
}

fn worker(receiver: Arc<Mutex<Receiver<Job>>>) -> JoinHandle<()> {
    thread::spawn(move || loop {
        let job = receiver.lock().unwrap().recv();
        match job {
            Ok(job) => {
                if panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
                    // Something went wrong: stop this worker cleanly.
                    break;
                }
            }
            Err(_) => break,
        }
    })
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a pool needs at least one worker");
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..size).map(|_| worker(Arc::clone(&receiver))).collect();
        ThreadPool {
            workers,
            sender: Some(sender),
        }
    }

    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        if let Some(sender) = &self.sender {
            sender.send(Box::new(f)).expect("the workers are gone");
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
