//! Known right: kata_sync::thread::scope with handle and the receiver borrowed, results in a borrowed Mutex<Vec>.
//! Written blind: kata_sync::thread::scope, handle and the Mutex<Receiver> borrowed (no Arc), a pill per consumer once the producers' handles are joined, results pushed to a borrowed Mutex<Vec> after each handle; part 2 scoped too with a receiver clone per consumer

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
    assert_ne!(consumers, 0, "no consumer would ever take an item");
    let (sender, receiver) = mpsc::channel::<Message<T>>();
    let receiver = Mutex::new(receiver);
    let results: Mutex<Vec<R>> = Mutex::new(Vec::new());
    let handle = &handle;
    let receiver = &receiver;
    let results_ref = &results;

    let panicked: Option<Payload> = thread::scope(|s| {
        let consumer_threads: Vec<_> = (0..consumers)
            .map(|_| {
                s.spawn(move || loop {
                    let message = receiver.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(Message::Item(item)) = message else {
                        break;
                    };
                    let result = handle(item);
                    results_ref.lock().unwrap_or_else(|p| p.into_inner()).push(result);
                })
            })
            .collect();
        let producer_threads: Vec<_> = producers
            .into_iter()
            .map(|items| {
                let sender = sender.clone();
                s.spawn(move || {
                    for item in items {
                        if sender.send(Message::Item(item)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();

        let mut first: Option<Payload> = None;
        for p in producer_threads {
            if let Err(e) = p.join() {
                first.get_or_insert(e);
            }
        }
        for _ in 0..consumers {
            let _ = sender.send(Message::Stop);
        }
        let mut consumer_panic: Option<Payload> = None;
        for c in consumer_threads {
            if let Err(e) = c.join() {
                consumer_panic.get_or_insert(e);
            }
        }
        consumer_panic.or(first)
    });
    drop(sender);
    if let Some(payload) = panicked {
        std::panic::resume_unwind(payload);
    }
    results.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// Part 2.
pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert_ne!(consumers, 0, "no consumer would ever take an item");
    let handle = &handle;
    thread::scope(|s| {
        let (sender, receiver) = crossbeam::channel::unbounded::<T>();
        let producer_threads: Vec<_> = producers
            .into_iter()
            .map(|items| {
                let sender = sender.clone();
                s.spawn(move || {
                    for item in items {
                        if sender.send(item).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(sender);
        let consumer_threads: Vec<_> = (0..consumers)
            .map(|_| {
                let receiver = receiver.clone();
                s.spawn(move || {
                    let mut mine = Vec::new();
                    while let Ok(item) = receiver.recv() {
                        mine.push(handle(item));
                    }
                    mine
                })
            })
            .collect();
        drop(receiver);

        let mut first: Option<Payload> = None;
        for p in producer_threads {
            if let Err(e) = p.join() {
                first.get_or_insert(e);
            }
        }
        let mut results = Vec::new();
        let mut consumer_panic: Option<Payload> = None;
        for c in consumer_threads {
            match c.join() {
                Ok(mine) => results.extend(mine),
                Err(e) => {
                    consumer_panic.get_or_insert(e);
                }
            }
        }
        if let Some(payload) = consumer_panic.or(first) {
            std::panic::resume_unwind(payload);
        }
        results
    })
}
