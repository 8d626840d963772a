//! Known wrong: a tokio task per item, all spawned at once, sending into the bounded channel: the channel bounds the outputs, but every call of work runs at once, far past `workers`.
//! expect-fail: workers: calls of work were in progress at once, but the limit is

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
    let _ = (limits.order, limits.workers);
    let (tx, mut rx) = mpsc::channel::<U>(limits.capacity);
    let mut source = source;
    let spawner = async move {
        while let Some(item) = source.next().await {
            let call = work(item);
            let tx = tx.clone();
            tokio::spawn(async move {
                let _ = tx.send(call.await).await;
            });
        }
    };
    let sink_stage = async move {
        while let Some(o) = rx.recv().await {
            sink(o).await;
        }
    };
    tokio::join!(spawner, sink_stage);
}
