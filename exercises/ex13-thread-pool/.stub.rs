//! # ex13 · A thread pool of your own
//!
//! Goal: build `ThreadPool`, the pool from the Rust book: `new(size)` starts
//! `size` worker threads, `execute(f)` hands a job to them, and dropping the
//! pool is its shutdown: every job already queued still runs, then every
//! worker is joined. Standard library only.
//!
//! This is what Python's `ThreadPoolExecutor` is inside: a few long-lived
//! threads, a queue of jobs between them and the caller, and a shutdown that
//! waits (`with ThreadPoolExecutor(4) as pool:` joins at the end of the block;
//! here `Drop` does).
//!
//! What `kata check ex13` verifies:
//! - a pool of 4 runs 4 jobs at the same time (the jobs wait for each other,
//!   so a pool that runs one job at a time is caught, not guessed at);
//! - after `drop(pool)` returns, every job given to `execute` has run;
//! - `drop` joins the workers: each worker thread has ended by the time it
//!   returns;
//! - a job that panics does not take its worker with it;
//! - the pool runs its jobs on at most `size` threads (and more than one);
//! - `ThreadPool::new(0)` panics;
//! - `execute` returns at once even while every worker is busy: it queues
//!   the job and never waits for a free worker;
//! - no job waits behind a busy worker while another is free (one queue,
//!   shared by every worker);
//! - an idle pool uses almost no CPU: idle workers block in `recv`, they
//!   never loop on `try_recv`.
//!
//! What it cannot see: the order your workers take jobs in, or what you do
//! with a job's panic message.
//!
//! Read: book/src/exercises/ex13-thread-pool.md
//! Check: cargo kata check ex13

/// A fixed set of worker threads that run the jobs given to [`execute`].
///
/// [`execute`]: ThreadPool::execute
pub struct ThreadPool {
    // TODO: replace this placeholder with what the pool owns: the workers'
    // `JoinHandle`s and the sending end of the job queue.
    _todo: (),
}

impl ThreadPool {
    /// Starts a pool of `size` worker threads.
    ///
    /// # Panics
    /// If `size` is zero.
    pub fn new(size: usize) -> ThreadPool {
        // TODO: make the job queue, start `size` workers that each take jobs
        // from it and run them until the queue is closed, and keep what
        // `execute` and `drop` will need.
        let _ = size;
        todo!()
    }

    /// Queues `f` to run on one of the workers, and returns at once.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        // TODO: put `f` on the queue (boxed, so that every job has one type).
        let _ = f;
        todo!()
    }
}

impl Drop for ThreadPool {
    /// Shuts the pool down: every queued job still runs, then every worker
    /// thread is joined.
    fn drop(&mut self) {
        // TODO: close the queue so that each worker stops once it is empty,
        // then join every worker.
        todo!()
    }
}
