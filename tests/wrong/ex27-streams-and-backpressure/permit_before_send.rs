//! Known wrong: a task per item under a Semaphore of `workers` permits, the permit released as soon as work ends and before the send: finished outputs wait to send, uncounted, while new calls start.
//! expect-fail: bounded-memory: a permit released before the send

use futures::{Stream, StreamExt};
use std::future::Future;
use tokio::sync::mpsc;
use std::sync::Arc;
use tokio::sync::Semaphore;

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
    let permits = Arc::new(Semaphore::new(limits.workers));
    let mut source = source;
    let spawner = async move {
        let mut tasks = Vec::new();
        while let Some(item) = source.next().await {
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { break };
            let call = work(item);
            let tx = tx.clone();
            tasks.push(tokio::spawn(async move {
                let output = call.await;
                drop(permit);
                let _ = tx.send(output).await;
            }));
        }
        drop(tx);
        for task in tasks {
            let _ = task.await;
        }
    };
    let sink_stage = async move {
        while let Some(o) = rx.recv().await {
            sink(o).await;
        }
    };
    tokio::join!(spawner, sink_stage);
}
