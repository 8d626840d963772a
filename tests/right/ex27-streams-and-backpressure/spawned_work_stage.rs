//! Known right: the work stage runs as a spawned task (its outputs boxed into one stream type), the sink loop runs in the caller's task, and the task's handle is awaited at the end.

use futures::{Stream, StreamExt};
use std::future::Future;
use tokio::sync::mpsc;
use std::pin::Pin;

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
    let stage = tokio::spawn(async move {
        let calls = source.map(work);
        let mut outputs: Pin<Box<dyn Stream<Item = U> + Send>> = match limits.order {
            Order::Kept => Box::pin(calls.buffered(limits.workers)),
            Order::AsFinished => Box::pin(calls.buffer_unordered(limits.workers)),
        };
        while let Some(o) = outputs.next().await {
            if tx.send(o).await.is_err() {
                break;
            }
        }
    });
    while let Some(o) = rx.recv().await {
        sink(o).await;
    }
    if let Err(e) = stage.await {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
