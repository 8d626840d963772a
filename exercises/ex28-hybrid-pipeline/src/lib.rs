//! # ex28 · Hybrid pipeline ★
//!
//! Goal: write `run_pipeline(source, count, stages, limits)`, which fetches
//! records `0..count` over HTTP, processes each with CPU-heavy work, and
//! writes each result to storage, in index order, with the three stages
//! running at the same time and only a bounded number of records in memory.
//!
//! This is the notes' hybrid: asyncio for the I/O, a `ProcessPoolExecutor`
//! (through `loop.run_in_executor`) for the CPU work. In Rust:
//! - **fetch** is async: `reqwest` on the tokio runtime, at most
//!   `fetch_concurrency` requests in flight;
//! - **process** runs on a pool of `cpu_workers` threads, never on the
//!   runtime's thread: a rayon pool of that many threads and a
//!   `tokio::sync::oneshot` per job, or `tokio::task::spawn_blocking` with a
//!   bound of your own (its pool has up to 512 threads);
//! - **write** is async: `stages.write(output).await`, one at a time, in
//!   index order;
//! - between two stages, a **bounded** buffer of at most `buffer` records
//!   (`tokio::sync::mpsc::channel(buffer)`): when the next stage falls
//!   behind, `send(..).await` waits, and that wait is what stops the
//!   fetching. That is backpressure.
//!
//! The stages are the caller's: `stages.parse(index, body)` makes a record
//! of a fetched body, `stages.process(record)` is the CPU work, and
//! `stages.write(output)` the storage. Records and outputs are opaque to
//! you: you only move them from stage to stage.
//!
//! What `kata check ex28` verifies, against a real HTTP server on 127.0.0.1
//! that it starts and counts from its own side, with stages it instruments:
//! - every record is written exactly once, in index order, though later
//!   records are fetched and processed sooner; each URL is requested once;
//! - a record the server answers 500 for ends the run with
//!   `Err(Fetch { index, .. })`, without hanging;
//! - the server sees exactly `fetch_concurrency` requests in flight at its
//!   peak; exactly `cpu_workers` calls of `process` run at once at the peak;
//! - **the runtime is not blocked** (as in ex25): the runtime thread's own
//!   CPU time stays at most 20% of what processing costs on a plain thread,
//!   and a heartbeat task beside your code never waits 50 ms;
//! - **1,000 records** (processing slower than fetching, and storage
//!   stalling 100 ms once): never more than
//!   `fetch_concurrency + cpu_workers + 2 × buffer + 4` records in memory at
//!   once, counted by the records themselves; the first record is written
//!   before the last is fetched;
//! - the whole run takes at most 1.5 × the longer of the ideal fetch time
//!   and the CPU work alone on `cpu_workers` threads (measured in the same
//!   run), + 100 ms.
//!
//! You are shown, for 10 and for 1,000 records, a timeline of the three
//! stages and how much they overlapped.
//!
//! What it cannot see: which pool you use, how many threads you start
//! beyond the `process` calls in flight, and what you hold in memory that
//! is not a record (raw bodies kept before `parse`: don't).
//!
//! Read: book/src/exercises/ex28-hybrid-pipeline.md
//! Check: cargo kata check ex28

use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// Where record `index` is: `{source}/records/{index}`.
pub fn record_url(source: &str, index: usize) -> String {
    format!("{source}/records/{index}")
}

/// What the pipeline may use. Every limit is at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// At most this many requests to the source in flight at once.
    pub fetch_concurrency: usize,
    /// `process` runs on a pool of this many threads: at most this many
    /// calls at once.
    pub cpu_workers: usize,
    /// Each buffer between two stages holds at most this many records.
    ///
    /// In all, at most `fetch_concurrency + cpu_workers + 2 × buffer + 4`
    /// records (fetched and not yet written) may be in memory at once: those
    /// being fetched, those being processed, two full buffers, and a few in
    /// hand between stages.
    pub buffer: usize,
}

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineError {
    /// Record `index` could not be fetched: the server answered an error
    /// status (4xx or 5xx), or did not answer at all.
    Fetch { index: usize, reason: String },
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Fetch { index, reason } => {
                write!(f, "record {index} could not be fetched: {reason}")
            }
        }
    }
}

impl std::error::Error for PipelineError {}

/// The three stages the caller hands over. The checks implement it with
/// instruments: they count records in memory, `process` calls at once, and
/// what was written when.
pub trait Stages: Send + Sync + 'static {
    /// A fetched record.
    type Record: Send + 'static;
    /// A processed record, ready to be written.
    type Output: Send + 'static;

    /// Makes the record of `body`, the body fetched from
    /// `record_url(source, index)`. Cheap: call it where you fetched.
    fn parse(&self, index: usize, body: String) -> Self::Record;

    /// The CPU-heavy step, milliseconds of CPU per record. Call it only on a
    /// thread of your CPU pool, never on the runtime's thread.
    fn process(&self, record: Self::Record) -> Self::Output;

    /// Writes one output to storage. Storage takes one write at a time: wait
    /// for each before starting the next, in index order.
    fn write(&self, output: Self::Output) -> impl Future<Output = ()> + Send;
}

/// Fetches records `0..count` from `source` (see [`record_url`]), processes
/// each with `stages.process` on a pool of `limits.cpu_workers` threads, and
/// writes each output with `stages.write`, in index order: record 0's output
/// first. The three stages run at the same time, connected by buffers of
/// `limits.buffer` records.
///
/// # Errors
/// The first record that could not be fetched (a 4xx or 5xx answer, or no
/// answer) stops the run: `Err(PipelineError::Fetch { index, .. })`. Which
/// records were written before that is not specified.
///
/// # Panics
/// If a limit is zero, or if `stages.process` panics.
pub async fn run_pipeline<S: Stages>(
    source: &str,
    count: usize,
    stages: Arc<S>,
    limits: Limits,
) -> Result<(), PipelineError> {
    // TODO: build one `reqwest::Client` with `.no_proxy()`, and a pool of
    // `limits.cpu_workers` threads for `process` (or a bound on
    // `spawn_blocking`).
    // TODO: fetch stage: request the records, at most `fetch_concurrency` at
    // once, in index order (`futures::stream::iter(0..count).map(..)
    // .buffered(n)` keeps order); a 4xx/5xx is an error
    // (`error_for_status`); `parse` each body and send the record into a
    // `tokio::sync::mpsc::channel(limits.buffer)`.
    // TODO: process stage: take records in order, run `process` on the pool
    // (never on this thread), at most `cpu_workers` at once, and send the
    // outputs on, still in order, into a second bounded channel.
    // TODO: write stage: `stages.write(output).await` for each output, one
    // at a time.
    // TODO: run the three stages at the same time (`tokio::try_join!`, or
    // tasks) and return the first error. When a stage ends, its `Sender` is
    // dropped, which is how the next stage learns there is nothing more.
    let _ = (source, count, stages, limits);
    todo!()
}
