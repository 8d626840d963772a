//! # ex12 · Producers, consumers and a poison pill — reference solution
//!
//! Part 1 is the textbook pipeline: one channel, producers holding clones
//! of its `Sender`, consumers sharing its one `Receiver` behind a `Mutex`,
//! and a pill per consumer sent by the caller once it has joined every
//! producer. Part 2 is the same pipeline on crossbeam, where the receiver
//! clones and closing the channel replaces the pill.
//!
//! The order of the shutdown is the whole lesson:
//! 1. join every producer: after that, every item is in the channel;
//! 2. send one `Stop` per consumer: each sits behind every item, because
//!    the channel is first in, first out, and each consumer takes at most
//!    one (it stops taking after it);
//! 3. join every consumer, then pass on the first panic, if there was one.

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread::{self, JoinHandle};
use std::panic::resume_unwind;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking": the consumer that receives it leaves its loop.
    Stop,
}

/// Part 1: producers, consumers on one shared receiver, a pill each.
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
    // No consumer would ever take an item, and the pills would have no one
    // to stop: refuse before starting anything.
    assert!(consumers > 0, "run needs at least one consumer");
    let (sender, receiver) = mpsc::channel::<Message<T>>();
    // std's (and the facade's) `Receiver` cannot be cloned: the consumers
    // share the one receiver, and the lock makes them take turns at
    // *taking*, never at handling.
    let receiver = Arc::new(Mutex::new(receiver));
    let handle = Arc::new(handle);

    let producing: Vec<JoinHandle<()>> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for item in items {
                    // `send` fails only once every receiver is gone, which
                    // happens only if every consumer panicked: then there is
                    // nobody to hand the rest to, and the producer stops.
                    if sender.send(Message::Item(item)).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();

    let consuming: Vec<JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let (receiver, handle) = (Arc::clone(&receiver), Arc::clone(&handle));
            thread::spawn(move || {
                let mut results = Vec::new();
                loop {
                    // Take the message in a statement of its own: the guard
                    // is a temporary, dropped at the `;`, so the next
                    // consumer can take while this one handles. (`recv` in
                    // a `match` head or `while let` would hold the lock for
                    // the whole arm: one item at a time.)
                    let message = receiver.lock().unwrap().recv();
                    match message {
                        Ok(Message::Item(item)) => results.push(handle(item)),
                        // Our pill: leave the loop, the other pills are the
                        // other consumers'. (`Err` cannot happen while the
                        // caller holds `sender`; it is a stop all the same.)
                        Ok(Message::Stop) | Err(_) => break,
                    }
                    // A panic in `handle` unwinds out of here with no lock
                    // held (the guard is long gone), so the mutex is not
                    // poisoned and the others go on taking.
                }
                results
            })
        })
        .collect();

    // 1. Every producer done: every item is in the channel, in front of
    //    anything sent from here on. A producer's panic (its iterator's) is
    //    passed on after the shutdown, like a consumer's.
    let mut panic = None;
    for producer in producing {
        if let Err(payload) = producer.join() {
            panic.get_or_insert(payload);
        }
    }
    // 2. One pill per consumer, behind every item. A consumer that panicked
    //    leaves its pill unread, which is harmless: the channel is dropped
    //    with it. `send` fails only if every consumer is already gone.
    for _ in 0..consumers {
        let _ = sender.send(Message::Stop);
    }
    // 3. Every consumer joined before returning (nothing left running),
    //    their results gathered, and the first panic passed on.
    let mut results = Vec::new();
    for consumer in consuming {
        match consumer.join() {
            Ok(mine) => results.extend(mine),
            Err(payload) => {
                panic.get_or_insert(payload);
            }
        }
    }
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    results
}

/// Part 2: the same pipeline over crossbeam's MPMC channel, closed by
/// dropping its senders.
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
    assert!(consumers > 0, "run_mpmc needs at least one consumer");
    let (sender, receiver) = crossbeam::channel::unbounded::<T>();
    let handle = Arc::new(handle);

    let producing: Vec<JoinHandle<()>> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for item in items {
                    if sender.send(item).is_err() {
                        break;
                    }
                }
                // `sender` (this producer's clone) is dropped here.
            })
        })
        .collect();
    // The original sender must go too: while any `Sender` lives, `recv`
    // waits for more and the consumers never leave. Dropping it here, not
    // after the producers, is safe: the producers' clones keep the channel
    // open until the last of them is done, and no pill can overtake an item
    // because there is no pill.
    drop(sender);

    let consuming: Vec<JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            // Each consumer owns a receiver: no lock, and whichever
            // consumer is free takes the next item.
            let (receiver, handle) = (receiver.clone(), Arc::clone(&handle));
            thread::spawn(move || {
                // `recv` (inside the iterator) blocks while the channel is
                // open and empty, and ends once it is closed and empty.
                receiver.iter().map(|item| handle(item)).collect()
            })
        })
        .collect();
    // The caller keeps no receiver: if every consumer panicked, the
    // producers' sends fail instead of filling a channel nobody reads.
    drop(receiver);

    let mut panic = None;
    for producer in producing {
        if let Err(payload) = producer.join() {
            panic.get_or_insert(payload);
        }
    }
    let mut results = Vec::new();
    for consumer in consuming {
        match consumer.join() {
            Ok(mine) => results.extend(mine),
            Err(payload) => {
                panic.get_or_insert(payload);
            }
        }
    }
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    results
}
