//! Known right: Arc<Mutex<Receiver>> and a pill per consumer after joining the producers, results through the JoinHandles; part 2 on cloned crossbeam receivers closed by its senders.
//! Written blind: Arc<Mutex<Receiver>> + a pill per consumer after joining the producers; results come back through each consumer's JoinHandle; part 2 cloned crossbeam receivers closed by dropping every sender

use std::any::Any;

#[allow(unused_imports)]
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

type Payload = Box<dyn Any + Send + 'static>;

/// Part 1.
pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0, "run needs at least one consumer");
    let handle = Arc::new(handle);
    let (sender, receiver) = mpsc::channel::<Message<T>>();
    let receiver = Arc::new(Mutex::new(receiver));

    let consumer_handles: Vec<thread::JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let receiver = Arc::clone(&receiver);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut results = Vec::new();
                loop {
                    // The guard is a temporary of this statement only.
                    let message = receiver
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .recv();
                    match message {
                        Ok(Message::Item(item)) => results.push(handle(item)),
                        Ok(Message::Stop) | Err(_) => break,
                    }
                }
                results
            })
        })
        .collect();

    let producer_handles: Vec<thread::JoinHandle<()>> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for item in items {
                    if sender.send(Message::Item(item)).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();

    let mut producer_panic: Option<Payload> = None;
    for p in producer_handles {
        if let Err(payload) = p.join() {
            producer_panic.get_or_insert(payload);
        }
    }
    // Every item is in the channel now: the pills sit behind them.
    for _ in 0..consumers {
        let _ = sender.send(Message::Stop);
    }
    drop(sender);

    let mut results = Vec::new();
    let mut consumer_panic: Option<Payload> = None;
    for c in consumer_handles {
        match c.join() {
            Ok(mut part) => results.append(&mut part),
            Err(payload) => {
                consumer_panic.get_or_insert(payload);
            }
        }
    }
    if let Some(payload) = consumer_panic.or(producer_panic) {
        std::panic::resume_unwind(payload);
    }
    results
}

/// Part 2.
pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0, "run_mpmc needs at least one consumer");
    let handle = Arc::new(handle);
    let (sender, receiver) = crossbeam::channel::unbounded::<T>();

    let producer_handles: Vec<thread::JoinHandle<()>> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for item in items {
                    if sender.send(item).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    // The producers' clones keep the channel open until they are done.
    drop(sender);

    let consumer_handles: Vec<thread::JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let receiver = receiver.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || receiver.iter().map(|item| handle(item)).collect())
        })
        .collect();
    drop(receiver);

    let mut producer_panic: Option<Payload> = None;
    for p in producer_handles {
        if let Err(payload) = p.join() {
            producer_panic.get_or_insert(payload);
        }
    }
    let mut results = Vec::new();
    let mut consumer_panic: Option<Payload> = None;
    for c in consumer_handles {
        match c.join() {
            Ok(mut part) => results.append(&mut part),
            Err(payload) => {
                consumer_panic.get_or_insert(payload);
            }
        }
    }
    if let Some(payload) = consumer_panic.or(producer_panic) {
        std::panic::resume_unwind(payload);
    }
    results
}
