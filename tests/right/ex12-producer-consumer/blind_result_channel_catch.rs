//! Known right: consumers catch a panicking handle and go on, results through a second channel, the first payload resumed after every join.
//! Written blind: shared Arc<Mutex<Receiver>> with pills, consumers catch a panicking handle and go on, results through a second channel, first payload resumed after every join; part 2 the same over cloned crossbeam receivers and a crossbeam result channel

use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

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

/// Keeps the first panic payload it is given.
fn keep_first(slot: &Mutex<Option<Payload>>, payload: Payload) {
    let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
    if slot.is_none() {
        *slot = Some(payload);
    }
}

/// Part 1.
pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    if consumers == 0 {
        panic!("run: consumers must be at least 1");
    }
    let handle = Arc::new(handle);
    let first_panic: Arc<Mutex<Option<Payload>>> = Arc::new(Mutex::new(None));
    let (item_tx, item_rx) = mpsc::channel::<Message<T>>();
    let item_rx = Arc::new(Mutex::new(item_rx));
    let (result_tx, result_rx) = mpsc::channel::<R>();

    let mut producer_threads = Vec::with_capacity(producers.len());
    for items in producers {
        let item_tx = item_tx.clone();
        producer_threads.push(thread::spawn(move || {
            for item in items {
                if item_tx.send(Message::Item(item)).is_err() {
                    return;
                }
            }
        }));
    }

    let mut consumer_threads = Vec::with_capacity(consumers);
    for _ in 0..consumers {
        let item_rx = Arc::clone(&item_rx);
        let result_tx = result_tx.clone();
        let handle = Arc::clone(&handle);
        let first_panic = Arc::clone(&first_panic);
        consumer_threads.push(thread::spawn(move || loop {
            let next = {
                let guard = item_rx.lock().unwrap_or_else(|p| p.into_inner());
                guard.recv()
            };
            let item = match next {
                Ok(Message::Item(item)) => item,
                Ok(Message::Stop) | Err(_) => return,
            };
            match catch_unwind(AssertUnwindSafe(|| handle(item))) {
                Ok(result) => {
                    let _ = result_tx.send(result);
                }
                Err(payload) => keep_first(&first_panic, payload),
            }
        }));
    }
    drop(result_tx);

    for p in producer_threads {
        if let Err(payload) = p.join() {
            keep_first(&first_panic, payload);
        }
    }
    for _ in 0..consumers {
        let _ = item_tx.send(Message::Stop);
    }
    for c in consumer_threads {
        if let Err(payload) = c.join() {
            keep_first(&first_panic, payload);
        }
    }
    drop(item_tx);

    let results: Vec<R> = result_rx.try_iter().collect();
    let payload = first_panic.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(payload) = payload {
        resume_unwind(payload);
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
    if consumers == 0 {
        panic!("run_mpmc: consumers must be at least 1");
    }
    let handle = Arc::new(handle);
    let first_panic: Arc<Mutex<Option<Payload>>> = Arc::new(Mutex::new(None));
    let (item_tx, item_rx) = crossbeam::channel::unbounded::<T>();
    let (result_tx, result_rx) = crossbeam::channel::unbounded::<R>();

    let mut consumer_threads = Vec::with_capacity(consumers);
    for _ in 0..consumers {
        let item_rx = item_rx.clone();
        let result_tx = result_tx.clone();
        let handle = Arc::clone(&handle);
        let first_panic = Arc::clone(&first_panic);
        consumer_threads.push(thread::spawn(move || {
            for item in item_rx.iter() {
                match catch_unwind(AssertUnwindSafe(|| handle(item))) {
                    Ok(result) => {
                        let _ = result_tx.send(result);
                    }
                    Err(payload) => keep_first(&first_panic, payload),
                }
            }
        }));
    }
    drop(result_tx);
    drop(item_rx);

    let mut producer_threads = Vec::with_capacity(producers.len());
    for items in producers {
        let item_tx = item_tx.clone();
        producer_threads.push(thread::spawn(move || {
            for item in items {
                if item_tx.send(item).is_err() {
                    return;
                }
            }
        }));
    }
    // Only the producers hold senders now: the channel closes after the last one.
    drop(item_tx);

    for p in producer_threads {
        if let Err(payload) = p.join() {
            keep_first(&first_panic, payload);
        }
    }
    for c in consumer_threads {
        if let Err(payload) = c.join() {
            keep_first(&first_panic, payload);
        }
    }
    let results: Vec<R> = result_rx.try_iter().collect();
    let payload = first_panic.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(payload) = payload {
        resume_unwind(payload);
    }
    results
}
