//! Known wrong: a hand-written FuturesOrdered/FuturesUnordered loop that tops up `while in_flight.len() <= workers`, so one call more than `workers` runs at once.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: workers: 4 calls of work were in progress at once, but the limit is 3
//! expect-fail: bounded-memory: more than the 4 workers, and each holds its item

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

use futures::stream::{FuturesOrdered, FuturesUnordered};
use futures::StreamExt;
use tokio::sync::mpsc;

/// The calls in progress, handed on in the source's order or as they finish.
enum InFlight<F: Future> {
    Kept(FuturesOrdered<F>),
    AsFinished(FuturesUnordered<F>),
}

impl<F: Future> InFlight<F> {
    fn new(order: Order) -> Self {
        match order {
            Order::Kept => InFlight::Kept(FuturesOrdered::new()),
            Order::AsFinished => InFlight::AsFinished(FuturesUnordered::new()),
        }
    }
    fn push(&mut self, fut: F) {
        match self {
            InFlight::Kept(q) => q.push_back(fut),
            InFlight::AsFinished(q) => q.push(fut),
        }
    }
    fn len(&self) -> usize {
        match self {
            InFlight::Kept(q) => q.len(),
            InFlight::AsFinished(q) => q.len(),
        }
    }
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    async fn next_done(&mut self) -> Option<F::Output> {
        match self {
            InFlight::Kept(q) => q.next().await,
            InFlight::AsFinished(q) => q.next().await,
        }
    }
}

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
    let workers = limits.workers.max(1);
    let capacity = limits.capacity.max(1);
    let (tx, mut rx) = mpsc::channel::<U>(capacity);

    let work_stage = async move {
        let mut source = source;
        let mut in_flight = InFlight::new(limits.order);
        let mut source_done = false;
        loop {
            while !source_done && in_flight.len() <= workers {
                match source.next().await {
                    Some(item) => in_flight.push(work(item)),
                    None => source_done = true,
                }
            }
            let Some(output) = in_flight.next_done().await else {
                break;
            };
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
