//! Known right: a hand-written work stage: a FuturesOrdered or FuturesUnordered of at most `workers` calls, refilled from the source only while there is room, and each output sent into a slot reserved first (`tx.reserve().await`); joined with the sink loop.

use futures::stream::{FuturesOrdered, FuturesUnordered};
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
    let workers = limits.workers;
    let work_stage = async move {
        let mut source = source;
        let mut ended = false;
        match limits.order {
            Order::Kept => {
                let mut running = FuturesOrdered::new();
                loop {
                    while !ended && running.len() < workers {
                        match source.next().await {
                            Some(item) => running.push_back(work(item)),
                            None => ended = true,
                        }
                    }
                    let Ok(slot) = tx.reserve().await else { return };
                    match running.next().await {
                        Some(o) => slot.send(o),
                        None => return,
                    }
                }
            }
            Order::AsFinished => {
                let mut running = FuturesUnordered::new();
                loop {
                    while !ended && running.len() < workers {
                        match source.next().await {
                            Some(item) => running.push(work(item)),
                            None => ended = true,
                        }
                    }
                    let Ok(slot) = tx.reserve().await else { return };
                    match running.next().await {
                        Some(o) => slot.send(o),
                        None => return,
                    }
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
