//! Known wrong: the work stage pushes with `try_send` and, when the channel is full, retries after `std::thread::sleep(1 ms)` ("a short back-off"), which blocks the runtime's thread; fine on a multi-thread runtime with a spawned writer, frozen on one thread.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: lint-async: blocks the runtime thread
//! expect-fail: each-once: blocked the runtime's only thread

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
use std::time::Duration;
use tokio::sync::mpsc::{self, error::TrySendError};

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

    let writer = tokio::spawn(async move {
        let mut sink = sink;
        while let Some(output) = rx.recv().await {
            sink(output).await;
        }
    });

    let mut outputs: Pin<Box<dyn Stream<Item = U> + Send>> = match limits.order {
        Order::Kept => Box::pin(source.map(work).buffered(workers)),
        Order::AsFinished => Box::pin(source.map(work).buffer_unordered(workers)),
    };
    'outer: while let Some(mut output) = outputs.next().await {
        loop {
            match tx.try_send(output) {
                Ok(()) => break,
                Err(TrySendError::Full(back)) => {
                    // Full: back off a little and try again.
                    output = back;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(TrySendError::Closed(_)) => break 'outer,
            }
        }
    }
    drop(tx);
    let _ = writer.await;
}
