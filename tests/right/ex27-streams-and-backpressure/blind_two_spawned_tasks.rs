//! Known right: the work stage and the sink stage each run as a `tokio::spawn`ed task joined by `mpsc::channel(capacity)`; both `JoinHandle`s are awaited before returning.
//! Written blind: from the stub and the chapter, without reading the checks.

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
use tokio::sync::mpsc;

/// Forwards every output of `outputs` into `tx`, waiting while it is full.
async fn feed<St, U>(outputs: St, tx: mpsc::Sender<U>)
where
    St: Stream<Item = U>,
{
    let mut outputs = std::pin::pin!(outputs);
    while let Some(output) = outputs.next().await {
        if tx.send(output).await.is_err() {
            return;
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

    let producer = match limits.order {
        Order::Kept => tokio::spawn(feed(source.map(work).buffered(workers), tx)),
        Order::AsFinished => tokio::spawn(feed(source.map(work).buffer_unordered(workers), tx)),
    };

    let writer = tokio::spawn(async move {
        let mut sink = sink;
        while let Some(output) = rx.recv().await {
            sink(output).await;
        }
    });

    let (produced, written) = tokio::join!(producer, writer);
    // A panic in `work` or `sink` is the caller's: pass it on.
    if let Err(e) = produced {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    if let Err(e) = written {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
