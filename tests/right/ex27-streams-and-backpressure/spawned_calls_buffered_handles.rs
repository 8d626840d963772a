//! Known right: each call of work is spawned as a task, and `buffered` / `buffer_unordered` over the JoinHandles bounds how many exist at once; a spawned sink task drains the channel and is awaited.

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
    let writer = tokio::spawn(async move {
        while let Some(o) = rx.recv().await {
            sink(o).await;
        }
    });
    let handles = source.map(move |item| tokio::spawn(work(item)));
    let outputs = handles.map(|joined| async move {
        match joined.await {
            Ok(output) => output,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    });
    match limits.order {
        Order::Kept => forward(outputs.buffered(limits.workers), tx).await,
        Order::AsFinished => forward(outputs.buffer_unordered(limits.workers), tx).await,
    }
    let _ = writer.await;
}

async fn forward<O>(mut outputs: impl Stream<Item = O> + Unpin, tx: mpsc::Sender<O>) {
    while let Some(output) = outputs.next().await {
        if tx.send(output).await.is_err() {
            break;
        }
    }
}
