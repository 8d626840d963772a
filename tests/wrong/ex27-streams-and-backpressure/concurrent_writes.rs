//! Known wrong: the sink side drains the channel with `for_each_concurrent`: several writes at once, where the sink writes one output at a time.
//! expect-fail: each-once: writes were in progress at once

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
    let (tx, rx) = mpsc::channel::<U>(limits.capacity);
    let calls = source.map(work);
    let work_stage = async move {
        match limits.order {
            Order::Kept => forward(calls.buffered(limits.workers), tx).await,
            Order::AsFinished => forward(calls.buffer_unordered(limits.workers), tx).await,
        }
    };
    let mut rx = rx;
    let outputs = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let sink_stage = outputs.for_each_concurrent(limits.capacity, |o| sink(o));
    tokio::join!(work_stage, sink_stage);
}

async fn forward<O>(mut outputs: impl Stream<Item = O> + Unpin, tx: mpsc::Sender<O>) {
    while let Some(output) = outputs.next().await {
        if tx.send(output).await.is_err() {
            break;
        }
    }
}
