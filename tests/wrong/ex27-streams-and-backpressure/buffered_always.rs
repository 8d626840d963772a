//! Known wrong: `buffered(n)` for both orders: with Order::AsFinished a slow item holds the finished ones behind it (head-of-line blocking) and nothing new starts.
//! expect-fail: as-finished: head-of-line blocking

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
    let _ = limits.order;
    let (tx, mut rx) = mpsc::channel::<U>(limits.capacity);
    let work_stage = forward(source.map(work).buffered(limits.workers), tx);
    let sink_stage = async move {
        while let Some(o) = rx.recv().await {
            sink(o).await;
        }
    };
    tokio::join!(work_stage, sink_stage);
}

async fn forward<O>(mut outputs: impl Stream<Item = O> + Unpin, tx: mpsc::Sender<O>) {
    while let Some(output) = outputs.next().await {
        if tx.send(output).await.is_err() {
            break;
        }
    }
}
