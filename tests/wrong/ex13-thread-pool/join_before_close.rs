//! Known wrong: drop joins the workers first and closes the queue after, so it waits forever on workers blocked in recv.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: all-jobs-done-by-drop: does Drop join workers that never stop? Drop the Sender first
//! expect-fail: workers-joined: does Drop join workers that never stop?
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
        // Wait for the workers to finish what they have, then hang up.
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        drop(self.sender.take());
    }
}
