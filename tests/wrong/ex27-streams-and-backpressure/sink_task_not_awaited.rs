//! Known wrong: the sink runs as a spawned task whose handle is never awaited: `pipeline` returns once the work stage is done, before the last writes.
//! expect-fail: each-once: and more followed after it: it must return only after the last one

use futures::{Stream, StreamExt};
use std::future::Future;
use tokio::sync::mpsc;

/// In which order the sink receives the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Kept,
    AsFinished,
}

/// What the pipeline may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub workers: usize,
    pub capacity: usize,
    pub order: Order,
}

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
    let (tx, mut rx) = mpsc::channel::<U>(limits.capacity);
    let _sink_task = tokio::spawn(async move {
        while let Some(o) = rx.recv().await {
            sink(o).await;
        }
    });
    let calls = source.map(work);
    match limits.order {
        Order::Kept => forward(calls.buffered(limits.workers), tx).await,
        Order::AsFinished => forward(calls.buffer_unordered(limits.workers), tx).await,
    }
}

async fn forward<O>(mut outputs: impl Stream<Item = O> + Unpin, tx: mpsc::Sender<O>) {
    while let Some(output) = outputs.next().await {
        if tx.send(output).await.is_err() {
            break;
        }
    }
}
