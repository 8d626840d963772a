//! Known wrong: no buffer, the sink awaited inside `for_each` over the work stream: bounded, but while the sink writes the stream is not polled, so the work and the sink take turns.
//! expect-fail: work-goes-on: the work and the sink take turns

use futures::{Stream, StreamExt};
use std::future::Future;

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
    let calls = source.map(work);
    match limits.order {
        Order::Kept => calls.buffered(limits.workers).for_each(|o| sink(o)).await,
        Order::AsFinished => calls.buffer_unordered(limits.workers).for_each(|o| sink(o)).await,
    }
}
