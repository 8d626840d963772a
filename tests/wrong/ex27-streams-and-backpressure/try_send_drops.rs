//! Known wrong: `try_send` into the bounded channel, ignoring the error: an output that finds the buffer full is dropped instead of waiting for room.
//! expect-fail: each-once: never reached the sink

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
    let work_stage = async move {
        let calls = source.map(work);
        let mut outputs: std::pin::Pin<Box<dyn Stream<Item = U> + Send>> = match limits.order {
            Order::Kept => Box::pin(calls.buffered(limits.workers)),
            Order::AsFinished => Box::pin(calls.buffer_unordered(limits.workers)),
        };
        while let Some(o) = outputs.next().await {
            let _ = tx.try_send(o);
        }
    };
    let sink_stage = async move {
        while let Some(o) = rx.recv().await {
            sink(o).await;
        }
    };
    tokio::join!(work_stage, sink_stage);
}
