//! # ex27 · Streams and backpressure
//!
//! Goal: write `pipeline(source, work, sink, limits)`, which takes the items
//! of an async stream one by one, runs `work` on at most `limits.workers` of
//! them at once, and hands each output to `sink`, which writes one output at
//! a time, while the work goes on. Between the work and the sink sits a
//! buffer of at most `limits.capacity` outputs; when it is full, the work
//! stage waits, and takes nothing more from the source. That wait is
//! *backpressure*: a slow sink slows the whole pipeline down instead of
//! letting items pile up in memory.
//!
//! In Python this is an async generator read with `async for`, a few
//! worker tasks, and an `asyncio.Queue(maxsize=capacity)` between them and
//! the writer (`await queue.put(x)` waits while the queue is full). An
//! `asyncio.Queue()` with no `maxsize` is the classic leak: a fast producer
//! fills it without end. In Rust the async iterator is a `Stream`
//! (`futures::StreamExt::next(&mut source).await`); `stream.map(work)`
//! makes a stream of futures, and `buffered(n)` / `buffer_unordered(n)` run
//! up to `n` of them at once, handing outputs on in the source's order or
//! as they finish. The queue is `tokio::sync::mpsc::channel(capacity)`,
//! whose `send(x).await` waits while it is full.
//!
//! `source`, `work` and `sink` are the caller's; the checks hand you
//! instrumented ones that count, on their own side, every item taken from
//! the source, every call of `work` in progress and every write.
//!
//! What `kata check ex27` verifies, on tokio's paused clock (time jumps
//! ahead whenever every task is waiting, so the times below are exact):
//! - every item is worked on once and its output written once, one write at
//!   a time; `pipeline` returns only after the last write has ended; an
//!   empty source means no calls at all;
//! - `Order::Kept`: the sink receives the outputs in the source's order,
//!   though later items finish sooner;
//! - `Order::AsFinished`: one slow item (1 s) among 19 fast ones (100 ms)
//!   does not hold the others up: with 4 workers everything is written in
//!   about 1 s, not 1.4 s, and the fast outputs reach the sink first;
//! - never more than `workers` calls of `work` at once, and exactly that
//!   many at the peak, in both orders;
//! - **bounded memory**: with a slow sink, at every moment the items taken
//!   from the source and not yet handed to the sink number at most
//!   `workers + capacity` (you are shown the peak);
//! - **the work goes on while the sink is busy**: while the sink spends
//!   500 ms on one output, the work stage finishes at least `capacity`
//!   more outputs (it fills the buffer instead of waiting for the sink);
//! - your crate uses nothing that blocks the runtime's thread
//!   (`std::thread::sleep`, `futures::executor::block_on`, ...): clippy with
//!   grader/lints/async/clippy.toml.
//!
//! What it cannot see: whether the two halves run as two tasks
//! (`tokio::spawn`) or as two futures of one task (`tokio::join!`); both
//! pass.
//!
//! Read: book/src/exercises/ex27-streams-and-backpressure.md
//! Check: cargo kata check ex27

use futures::Stream;
use std::future::Future;

/// In which order the sink receives the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// In the order of the source's items, whatever order the calls of
    /// `work` finish in.
    Kept,
    /// As each call of `work` finishes: a slow item does not hold up the
    /// outputs of the items after it.
    AsFinished,
}

/// What the pipeline may use. `workers` and `capacity` are at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// At most this many calls of `work` in progress at once.
    pub workers: usize,
    /// The buffer between the work and the sink holds at most this many
    /// outputs. In all, at most `workers + capacity` items may be taken from
    /// the source and not yet handed to the sink at any moment.
    pub capacity: usize,
    /// In which order the sink receives the outputs.
    pub order: Order,
}

/// Runs every item of `source` through `work` and hands each output to
/// `sink`, with at most `limits.workers` calls of `work` at once, a buffer
/// of at most `limits.capacity` outputs before the sink, and the outputs in
/// `limits.order`. Returns when the source has ended and the sink has
/// finished writing every output.
///
/// The sink writes one output at a time: await each `sink(output)` before
/// the next call. While it writes, the work goes on, until the buffer is
/// full.
///
/// Everything handed in is `Send + 'static`, so you may spawn tasks with it
/// (`tokio::spawn`); you do not have to.
pub async fn pipeline<S, T, W, WorkFut, U, K, SinkFut>(source: S, work: W, sink: K, limits: Limits)
where
    S: Stream<Item = T> + Unpin + Send + 'static,
    T: Send + 'static,
    W: Fn(T) -> WorkFut + Send + 'static,
    WorkFut: Future<Output = U> + Send + 'static,
    U: Send + 'static,
    K: FnMut(U) -> SinkFut + Send + 'static,
    SinkFut: Future<Output = ()> + Send + 'static,
{
    // TODO: the work stage: turn `source` into a stream of `work` futures
    // and run at most `limits.workers` of them at once, yielding outputs in
    // `limits.order` (`futures::StreamExt` has an adapter for each order).
    // TODO: the buffer: a bounded channel of `limits.capacity` outputs
    // between the work stage and the sink. Sending into a full one must
    // wait, and the work stage with it (backpressure); the sink side must
    // see the end once the work stage is done.
    // TODO: the sink stage, running at the same time as the work stage,
    // one `sink(output).await` at a time. Return only when both stages have
    // finished.
    let _ = (source, work, sink, limits);
    todo!()
}
