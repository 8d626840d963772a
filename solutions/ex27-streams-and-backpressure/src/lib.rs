//! # ex27 · Streams and backpressure — reference solution
//!
//! Two stages, two futures, one bounded channel between them:
//!
//! ```text
//! source ──▶ map(work).buffer_unordered(workers) ──▶ mpsc::channel(capacity) ──▶ sink
//!            └──── the work stage: ≤ workers ────┘    └─ ≤ capacity outputs ─┘
//! ```
//!
//! Backpressure comes from laziness, not from any counting of ours: a
//! stream adapter asks its source for an item only when it is polled and
//! has room, and the work stage stops polling it while `send(..).await`
//! waits for room in the channel. So when the sink falls behind, the
//! channel fills, the send waits, no new call of `work` starts, and the
//! source is left alone. At any moment the items taken from the source and
//! not yet handed to the sink are at most `workers` (in the adapter, or
//! one of them in hand at the send) plus `capacity` (in the channel).
//!
//! Python would write the same with an async generator, worker tasks and an
//! `asyncio.Queue(maxsize=capacity)`. The difference is who bounds the
//! workers: here `buffer_unordered(n)` is the bound, with no task per item.

use futures::{Stream, StreamExt};
use std::future::Future;
use tokio::sync::mpsc;

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
pub async fn pipeline<S, T, W, WorkFut, U, K, SinkFut>(
    source: S,
    work: W,
    mut sink: K,
    limits: Limits,
) where
    S: Stream<Item = T> + Unpin + Send + 'static,
    T: Send + 'static,
    W: Fn(T) -> WorkFut + Send + 'static,
    WorkFut: Future<Output = U> + Send + 'static,
    U: Send + 'static,
    K: FnMut(U) -> SinkFut + Send + 'static,
    SinkFut: Future<Output = ()> + Send + 'static,
{
    // `mpsc::channel` panics on 0; the contract promises at least 1 of
    // each, and `max(1)` keeps a caller who breaks it from a panic deep in
    // tokio (a buffer of 1 is the least a channel can be).
    let workers = limits.workers.max(1);
    let (tx, mut rx) = mpsc::channel::<U>(limits.capacity.max(1));

    // The work stage. `map` builds one future per item and runs none;
    // `buffered` / `buffer_unordered` poll up to `workers` of them at once
    // and pull the next item from the source only when one has been handed
    // on. Their types differ, so each arm calls the one generic `forward`.
    // `tx` moves in: when the stage ends, the sender is dropped with it, and
    // that is how the sink stage learns the input is over.
    let work_stage = async move {
        let calls = source.map(work);
        match limits.order {
            // Kept: outputs in the source's order. A slow item holds back
            // the finished ones behind it, and they keep their places of
            // the `workers` meanwhile (head-of-line blocking): the price of
            // the order, paid only when the caller asks for it.
            Order::Kept => forward(calls.buffered(workers), tx).await,
            // As finished: each output goes on the moment its call ends,
            // and its place goes to the next item at once.
            Order::AsFinished => forward(calls.buffer_unordered(workers), tx).await,
        }
    };

    // The sink stage: one write at a time, each awaited before the next
    // `recv`. `recv` returns `None` only when the channel is empty and every
    // sender is gone, so every output sent is written before this ends.
    let sink_stage = async move {
        while let Some(output) = rx.recv().await {
            sink(output).await;
        }
    };

    // Both stages in this one task, polled together: while the sink waits
    // on a slow write, `join!` polls the work stage, which goes on until the
    // channel is full. Why not `tokio::spawn` for one of them? It would work
    // too (everything is `Send + 'static` for that), but a spawned task
    // outlives a caller who drops this future, and its `JoinHandle` brings a
    // `JoinError` to handle; joined futures are dropped with the pipeline.
    // There is nothing here to run in parallel on other threads: both
    // stages only wait.
    tokio::join!(work_stage, sink_stage);
}

/// Sends every output of `outputs` into `tx`, waiting for room each time.
///
/// While `send(..).await` waits, `outputs` is not polled: no new call of
/// `work` starts and nothing more is taken from the source. That is the
/// backpressure. The output in hand at that moment has already left the
/// adapter, whose next poll refills it, so the stage holds at most
/// `workers` items in all.
async fn forward<O>(mut outputs: impl Stream<Item = O> + Unpin, tx: mpsc::Sender<O>) {
    while let Some(output) = outputs.next().await {
        // `Err` means the receiver is gone (the sink stage ended early,
        // which it does not here): nobody will write anything more, so stop
        // taking items.
        if tx.send(output).await.is_err() {
            break;
        }
    }
    // `tx` is dropped here, closing the channel once the sink has drained it.
}
