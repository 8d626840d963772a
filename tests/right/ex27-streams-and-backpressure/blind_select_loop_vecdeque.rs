//! Known right: one `tokio::select!` loop in one future, no channel: a VecDeque of at most `capacity` outputs plus one output in hand waiting for room, the work stream polled only while nothing is in hand, and at most one pinned sink future in progress.
//! Written blind: from the stub and the chapter, without reading the checks.

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
use std::collections::VecDeque;
use std::pin::Pin;

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
    let mut sink = sink;

    let mut outputs = match limits.order {
        Order::Kept => source.map(work).buffered(workers).left_stream(),
        Order::AsFinished => source.map(work).buffer_unordered(workers).right_stream(),
    };

    let mut buffer: VecDeque<U> = VecDeque::with_capacity(capacity);
    // The output taken from the work stage and waiting for room in the
    // buffer (what a `send(x).await` on a full channel would hold).
    let mut in_hand: Option<U> = None;
    let mut writing: Option<Pin<Box<SinkFut>>> = None;
    let mut work_done = false;

    loop {
        if buffer.len() < capacity {
            if let Some(output) = in_hand.take() {
                buffer.push_back(output);
            }
        }
        if writing.is_none() {
            if let Some(output) = buffer.pop_front() {
                writing = Some(Box::pin(sink(output)));
            }
        }
        if buffer.len() < capacity {
            if let Some(output) = in_hand.take() {
                buffer.push_back(output);
            }
        }
        if work_done && in_hand.is_none() && buffer.is_empty() && writing.is_none() {
            break;
        }
        let mut write_ended = false;
        tokio::select! {
            next = outputs.next(), if !work_done && in_hand.is_none() => {
                match next {
                    Some(output) => in_hand = Some(output),
                    None => work_done = true,
                }
            }
            () = async { writing.as_mut().expect("guarded").await }, if writing.is_some() => {
                write_ended = true;
            }
        }
        if write_ended {
            writing = None;
        }
    }
}
