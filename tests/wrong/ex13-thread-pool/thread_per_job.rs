//! Known wrong: execute spawns a new thread for every job, so the "pool" has as many threads as jobs.
//! expect-fail: at-most-size-threads: that's not a pool

use std::sync::Mutex;
use std::thread::{self, JoinHandle};

pub struct ThreadPool {
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0);
        ThreadPool {
            threads: Mutex::new(Vec::new()),
        }
    }

    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let handle = thread::spawn(f);
        self.threads.lock().unwrap().push(handle);
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        let threads = std::mem::take(&mut *self.threads.lock().unwrap());
        for thread in threads {
            let _ = thread.join();
        }
    }
}
