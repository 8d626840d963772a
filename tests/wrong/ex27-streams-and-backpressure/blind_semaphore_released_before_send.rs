//! Known wrong: a Semaphore of `workers` permits around each spawned call, but the permit is dropped as soon as `work` ends, before the output is sent ("the worker is free again"), so finished outputs waiting for room are counted by nothing.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: bounded-memory: a permit released before the send

use futures::Stream;
use std::future::Future;

/// In which order the sink receives the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// In the order of the source's items, whatever order the calls of
    /// `work` finish in.
    Kept,
    /// As each call of `work` finishes: a slow item does not hold up the
    /// outputs of the items after it.
    AsFinished,
}

/// What the pipeline may use. `workers` and `capacity` are at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// At most this many calls of `work` in progress at once.
    pub workers: usize,
    /// The buffer between the work and the sink holds at most this many
    /// outputs. In all, at most `workers + capacity` items may be taken from
    /// the source and not yet handed to the sink at any moment.
    pub capacity: usize,
    /// In which order the sink receives the outputs.
    pub order: Order,
}

use futures::StreamExt;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Runs every item of `source` through `work` and hands each output to
/// `sink`, with at most `limits.workers` calls of `work` at once, a buffer
/// of at most `limits.capacity` outputs before the sink, and the outputs in
/// `limits.order`. Returns when the source has ended and the sink has
/// finished writing every output.
pub async fn pipeline<S, T, W, WorkFut, U, K, SinkFut>(source: S, work: W, sink: K, limits: Limits)
where
    S: Stream<Item = T> + Unpin + Send + 'static,
    T: Send + 'static,
    W: Fn(T) -> WorkFut + Send + 'static,
    WorkFut: Future<Output = U> + Send + 'static,
    U: Send + 'static,
    K: FnMut(U) -> SinkFut + Send + 'static,
    SinkFut: Future<Output = ()> + Send + 'static,
{
    let workers = limits.workers.max(1);
    let capacity = limits.capacity.max(1);
    let kept = limits.order == Order::Kept;
    let (tx, mut rx) = mpsc::channel::<U>(capacity);
    let permits = Arc::new(Semaphore::new(workers));

    let work_stage = async move {
        let mut source = source;
        // For Order::Kept each task waits for its predecessor's turn.
        let mut previous_turn: Option<oneshot::Receiver<()>> = None;
        loop {
            // A worker first, then the item: nothing held in hand.
            let permit = permits.clone().acquire_owned().await.expect("never closed");
            let Some(item) = source.next().await else {
                break;
            };
            let call = work(item);
            let tx = tx.clone();
            let (my_turn_done, next_turn) = oneshot::channel::<()>();
            let wait_for = if kept { previous_turn.replace(next_turn) } else { None };
            tokio::spawn(async move {
                let output = call.await;
                drop(permit); // the work is done: let the next call start
                if let Some(turn) = wait_for {
                    let _ = turn.await;
                }
                let _ = tx.send(output).await;
                let _ = my_turn_done.send(());
            });
        }
        // Our `tx` goes here; the tasks drop theirs once sent.
    };
    let sink_stage = async move {
        let mut sink = sink;
        while let Some(output) = rx.recv().await {
            sink(output).await;
        }
    };
    tokio::join!(work_stage, sink_stage);
}
