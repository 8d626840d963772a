//! Known wrong: `buffer_unordered(limits.capacity)` and `channel(limits.workers)`, the two fields mixed up; the sum (and so the memory bound) is unchanged, so the memory check still passes.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: workers: only 2 at once (that is the capacity: are the two swapped?)
//! expect-fail: work-goes-on: is the buffer smaller than `capacity`?

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

use futures::StreamExt;
use std::pin::Pin;
use tokio::sync::mpsc;

/// Runs every item of `source` through `work` and hands each output to
/// `sink`, with at most `limits.workers` calls of `work` at once, a buffer
/// of at most `limits.capacity` outputs before the sink, and the outputs in
/// `limits.order`. Returns when the source has ended and the sink has
/// finished writing every output.
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
    let Limits { capacity: workers, workers: capacity, order } = limits;
    let outputs: Pin<Box<dyn Stream<Item = U> + Send>> = match order {
        Order::Kept => Box::pin(source.map(work).buffered(workers.max(1))),
        Order::AsFinished => Box::pin(source.map(work).buffer_unordered(workers.max(1))),
    };
    let (tx, mut rx) = mpsc::channel::<U>(capacity.max(1));

    let work_stage = async move {
        let mut outputs = outputs;
        while let Some(output) = outputs.next().await {
            if tx.send(output).await.is_err() {
                break;
            }
        }
    };
    let sink_stage = async move {
        let mut sink = sink;
        while let Some(output) = rx.recv().await {
            sink(output).await;
        }
    };
    tokio::join!(work_stage, sink_stage);
}
