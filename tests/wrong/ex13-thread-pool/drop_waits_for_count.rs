//! Known wrong: drop waits until a counter of unfinished jobs reaches zero, then hangs up, but never joins the workers: they are still running when drop returns.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: workers-joined: drop returned while workers were still running
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads that run the jobs given to [`execute`].
///
/// [`execute`]: ThreadPool::execute
pub struct ThreadPool {
    sender: Option<Sender<Job>>,
    // Jobs given but not finished yet, and a condvar that rings at zero.
    pending: Arc<(Mutex<usize>, Condvar)>,
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a pool needs at least one worker");
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(receiver));
        let pending = Arc::new((Mutex::new(0usize), Condvar::new()));
        for _ in 0..size {
            let receiver = Arc::clone(&receiver);
            let pending = Arc::clone(&pending);
            thread::spawn(move || loop {
                let job = receiver.lock().unwrap().recv();
                let Ok(job) = job else { break };
                let _ = panic::catch_unwind(AssertUnwindSafe(job));
                let (count, done) = &*pending;
                let mut count = count.lock().unwrap();
                *count -= 1;
                if *count == 0 {
                    done.notify_all();
                }
            });
        }
        ThreadPool {
            sender: Some(sender),
            pending,
        }
    }

    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        *self.pending.0.lock().unwrap() += 1;
        if let Some(sender) = &self.sender {
            sender.send(Box::new(f)).expect("the workers are gone");
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Every job done means the pool is done: no need to keep handles.
        let (count, done) = &*self.pending;
        let mut count = count.lock().unwrap();
        while *count > 0 {
            count = done.wait(count).unwrap();
        }
        drop(count);
        drop(self.sender.take());
    }
}
