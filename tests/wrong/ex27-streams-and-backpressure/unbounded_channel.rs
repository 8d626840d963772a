//! Known wrong: an unbounded channel between the work and the sink (asyncio.Queue() without maxsize): `send` never waits, so a slow sink pushes nothing back and outputs pile up.
//! expect-fail: bounded-memory: a buffer that does not push back

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
    let (tx, mut rx) = mpsc::unbounded_channel::<U>();
    let work_stage = async move {
        let calls = source.map(work);
        match limits.order {
            Order::Kept => {
                let mut outputs = calls.buffered(limits.workers);
                while let Some(o) = outputs.next().await {
                    let _ = tx.send(o);
                }
            }
            Order::AsFinished => {
                let mut outputs = calls.buffer_unordered(limits.workers);
                while let Some(o) = outputs.next().await {
                    let _ = tx.send(o);
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
