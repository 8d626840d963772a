//! # ex12 · Producers, consumers and a poison pill
//!
//! Goal: the pipeline of Python's `queue.Queue` with a `None` per consumer,
//! twice. Some producer threads put items on one channel, some consumer
//! threads take them off and hand each to `handle`, and once every item is
//! handled everything shuts down: every consumer leaves its loop, every
//! thread is joined, and the call returns the results.
//!
//! - Part 1, [`run`]: a `kata_sync::sync::mpsc` channel of [`Message`]s.
//!   Every consumer shares the one `Receiver` (behind `Arc<Mutex<_>>`:
//!   std's receiver cannot be cloned). Once *every* producer has finished,
//!   send one [`Message::Stop`] (the poison pill) per consumer: a consumer
//!   that takes a pill stops taking, so each consumer must get its own.
//! - Part 2, [`run_mpmc`]: the same contract over `crossbeam::channel`,
//!   whose `Receiver` clones (many consumers, no lock). No pill is needed
//!   there: a crossbeam `recv` fails once every `Sender` is gone and the
//!   channel is empty, so dropping the senders (each producer's clone, and
//!   the original) *is* the shutdown signal, and it cannot arrive early.
//!
//! The contract (both parts):
//!
//! - `producers[p]` is producer `p`'s items: producer `p` is a thread of its
//!   own that sends them, in order. `consumers` threads take items, one at a
//!   time, and call `handle(item)` on each. `run` returns every result of
//!   `handle`, one per item, in any order.
//! - **Every item is handled exactly once**: none lost, none twice.
//! - **Every consumer exits** once the items are done, and **no thread is
//!   left running** when the call returns: join every producer and every
//!   consumer before returning.
//! - Work is shared: a consumer takes the next item when it is free, so a
//!   fast consumer handles more items than a slow one (no dealing items out
//!   in turn, no queue per consumer), and consumers handle at the same time.
//! - Waiting costs no CPU: a consumer with nothing to take blocks in `recv`.
//! - Edges: `consumers == 0` panics at once (nobody would ever take an item,
//!   and the call would never return). No producers, or producers with no
//!   items: no `handle` call, an empty `Vec`, and still every thread
//!   started is joined.
//! - **A panic in `handle`** ends the consumer that called it (its thread
//!   unwinds). The other consumers go on and handle every item it had not
//!   taken, so nothing is lost; once every thread is joined, the call
//!   panics with that panic's payload (`std::panic::resume_unwind`).
//!   (Catching the panic in the consumer and going on is right too. Only
//!   when every consumer has panicked may items go unhandled.)
//!
//! Threads come from `kata_sync::thread` and part 1's channel from
//! `kata_sync::sync::mpsc` (not std's): the grader counts your threads and
//! runs part 1 under a model checker (shuttle) that tries many schedules,
//! and it only sees what comes from the facade. crossbeam has no model
//! there, so part 2 is checked on real threads only.
//!
//! What `kata check ex12` verifies, with items and a `handle` of its own
//! (each item counts who handled it; a few items are slow; producers start
//! at different times and send at different paces):
//! - every item is handled exactly once, and `run` returns each result once;
//! - the call returns (a hang is told apart: items lost, or consumers that
//!   never saw their pill or a channel never closed);
//! - no thread the call started is still running when it returns;
//! - a `handle` that panics on one item: every other item is handled, and
//!   the panic reaches the caller;
//! - the edges above; at most `consumers` threads call `handle` (and two
//!   of them at once), never the caller's own thread;
//! - consumers waiting for a late producer use almost no CPU: they block in
//!   `recv`, they do not poll;
//! - with one slow and one fast consumer, the fast one handles more (a
//!   ratio of the counts, not a time);
//! - under shuttle's schedules (part 1): every item once and every consumer
//!   exits, whatever the order the threads run in;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: which consumer handles which item (any is right),
//! the order of the results, and raw speed. Part 2 gets no model checking.
//!
//! Read: book/src/exercises/ex12-producer-consumer.md
//! Check: cargo kata check ex12

#[allow(unused_imports)] // TODO: you will need some of these
use kata_sync::sync::{mpsc, Arc, Mutex};
#[allow(unused_imports)]
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking": the consumer that receives it leaves its loop.
    Stop,
}

/// Part 1: `producers.len()` producer threads send their items on one
/// `kata_sync::sync::mpsc` channel of [`Message`]s; `consumers` consumer
/// threads share its receiver and call `handle` on each item. Once every
/// producer is done, one [`Message::Stop`] per consumer. Returns every
/// result (any order) once every thread is joined.
///
/// # Panics
/// If `consumers` is 0; and, after every thread is joined, with the panic
/// of `handle` if it panicked.
pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    // TODO
    let _ = (producers, consumers, handle);
    todo!()
}

/// Part 2: [`run`]'s contract over a `crossbeam::channel::unbounded`
/// channel of plain items: each consumer owns a clone of the receiver, and
/// the channel closes when the last sender is dropped (no pill).
///
/// # Panics
/// As [`run`].
pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    // TODO
    let _ = (producers, consumers, handle);
    todo!()
}
