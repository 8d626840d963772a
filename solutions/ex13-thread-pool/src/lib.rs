//! # ex13 · A thread pool of your own — reference solution
//!
//! The Rust book's design: one `mpsc` channel is the job queue. `execute`
//! holds its `Sender`; the single `Receiver` is shared by every worker behind
//! `Arc<Mutex<_>>` (an `mpsc::Receiver` cannot be cloned, and the mutex makes
//! the workers take turns at taking a job, not at running one). Closing the
//! channel is the shutdown signal: once the `Sender` is gone and the queue is
//! empty, `recv` fails and each worker leaves its loop.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

/// A job, boxed so that closures of every type travel on one channel.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads that run the jobs given to [`execute`].
///
/// [`execute`]: ThreadPool::execute
pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    /// `Option` only so that `drop` can take it and drop it before joining;
    /// it is `Some` for the whole life of the pool otherwise.
    sender: Option<mpsc::Sender<Job>>,
}

impl ThreadPool {
    /// Starts a pool of `size` worker threads.
    ///
    /// # Panics
    /// If `size` is zero, or if the system cannot start a thread.
    pub fn new(size: usize) -> ThreadPool {
        // A pool with no workers would take jobs and never run them: refuse
        // it here rather than let `execute` fail silently later.
        assert!(size > 0, "a ThreadPool needs at least one worker");
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|id| {
                let receiver = Arc::clone(&receiver);
                // Named threads show up in panic messages and debuggers.
                thread::Builder::new()
                    .name(format!("pool-worker-{id}"))
                    .spawn(move || work(&receiver))
                    .expect("could not start a worker thread")
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
        // An unbounded channel: `send` never blocks, so `execute` returns at
        // once however many jobs are waiting (as `ThreadPoolExecutor.submit`
        // does). `send` fails only when every receiver is gone, and workers
        // drop theirs only after the sender is gone, which happens in `drop`.
        self.sender
            .as_ref()
            .expect("the sender lives until the pool is dropped")
            .send(Box::new(f))
            .expect("the workers outlive the sender");
    }
}

/// One worker's life: take a job, run it, repeat until the queue is closed
/// and empty.
fn work(receiver: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        // Take the job in a statement of its own: the `MutexGuard` is a
        // temporary of this statement and is dropped at its `;`, so the lock
        // is free again before the job runs and the other workers can take
        // jobs meanwhile. (`while let Ok(job) = receiver.lock().unwrap().recv()`
        // would keep the guard for the whole loop body: one job at a time.)
        //
        // No job ever runs while the lock is held, so nothing can poison it;
        // should it happen anyway, the receiver inside is still sound, so the
        // worker carries on rather than dying.
        let message = receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        match message {
            // `catch_unwind` keeps a panicking job from unwinding through
            // this loop and ending the thread: without it, every panic would
            // cost the pool a worker for good. `AssertUnwindSafe` is sound
            // here because the worker shares no state with the job that a
            // half-finished panic could leave broken. The panic was already
            // reported by the panic hook, so its payload is dropped.
            Ok(job) => {
                let _ = panic::catch_unwind(AssertUnwindSafe(job));
            }
            // The sender is gone and the queue is empty: time to stop.
            Err(mpsc::RecvError) => break,
        }
    }
}

impl Drop for ThreadPool {
    /// Shuts the pool down: every queued job still runs, then every worker
    /// thread is joined.
    fn drop(&mut self) {
        // The order matters. Dropping the sender first closes the channel,
        // but `recv` keeps handing out the jobs already queued and fails only
        // when none is left: queued jobs are finished, not discarded. Joining
        // first would wait forever, since workers blocked in `recv` never
        // learn that no more jobs are coming.
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            // `join` fails only if the worker thread panicked, and jobs'
            // panics are caught in `work`. Panicking here, in `drop`, could
            // abort the process if the pool is dropped during unwinding, so
            // the error is ignored.
            let _ = worker.join();
        }
    }
}
