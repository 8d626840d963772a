//! Known wrong: Drop raises a "stop" flag that workers check before each job, so the jobs still queued are thrown away.
//! expect-fail: all-jobs-done-by-drop: must finish the queue, not throw it away

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    sender: Option<mpsc::Sender<Job>>,
    stop: Arc<AtomicBool>,
}

impl ThreadPool {
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let stop = Arc::new(AtomicBool::new(false));
        let workers = (0..size)
            .map(|_| {
                let (receiver, stop) = (Arc::clone(&receiver), Arc::clone(&stop));
                thread::spawn(move || loop {
                    let job = receiver.lock().unwrap().recv();
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    match job {
                        Ok(job) => {
                            let _ = panic::catch_unwind(AssertUnwindSafe(job));
                        }
                        Err(_) => break,
                    }
                })
            })
            .collect();
        ThreadPool {
            workers,
            sender: Some(sender),
            stop,
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
        // Stop now, whatever is still queued.
        self.stop.store(true, Ordering::SeqCst);
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
