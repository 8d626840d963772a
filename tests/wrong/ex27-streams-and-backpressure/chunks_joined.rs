//! Known wrong: takes the items in chunks of `workers` and joins each chunk before the next: a slow item holds up its whole chunk, and nothing new starts meanwhile.
//! expect-fail: as-finished: the slow item 0 held the others up

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
    let work_stage = async move {
        let mut chunks = source.chunks(limits.workers);
        while let Some(chunk) = chunks.next().await {
            for o in futures::future::join_all(chunk.into_iter().map(&work)).await {
                if tx.send(o).await.is_err() {
                    return;
                }
            }
        }
    };
    let sink_stage = async move {
        while let Some(o) = rx.recv().await {
            sink(o).await;
        }
    };
    tokio::join!(work_stage, sink_stage);
}
