//! Known wrong: starts one worker per core of the machine at most, whatever size asks for (more threads than cores "only take turns").
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: at most 2 of the 4 jobs ran at the same time on a pool of 4
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
                let _ = panic::catch_unwind(AssertUnwindSafe(job));
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
        // More threads than cores only take turns, so never start more.
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        let workers = (0..size.min(cores))
            .map(|_| worker(Arc::clone(&receiver)))
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
