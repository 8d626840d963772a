//! Known wrong: part 2 never drops the caller's original Sender: the channel never closes and the call never returns.
//! Written blind: part 2 gives every producer a clone of the crossbeam Sender but never drops the caller's original, so the channel never closes and the consumers' recv never fails (part 1 is fine)
//! expect-fail: mpmc-every-item-once: though all 70 items were handled

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking".
    Stop,
}

pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    if consumers == 0 {
        panic!("consumers must be > 0");
    }
    let handle = Arc::new(handle);
    let (work_tx, work_rx) = mpsc::channel();
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<R>();

    let producer_handles: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let work_tx = work_tx.clone();
            thread::spawn(move || {
                for item in items {
                    let _ = work_tx.send(Message::Item(item));
                }
            })
        })
        .collect();
    let consumer_handles: Vec<_> = (0..consumers)
        .map(|_| {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || loop {
                let next = work_rx.lock().unwrap().recv();
                match next {
                    Ok(Message::Item(item)) => {
                        let _ = done_tx.send(handle(item));
                    }
                    _ => break,
                }
            })
        })
        .collect();
    drop(done_tx);

    let mut first_panic = None;
    for h in producer_handles {
        if let Err(e) = h.join() {
            first_panic.get_or_insert(e);
        }
    }
    for _ in 0..consumers {
        let _ = work_tx.send(Message::Stop);
    }
    for h in consumer_handles {
        if let Err(e) = h.join() {
            first_panic.get_or_insert(e);
        }
    }
    let results: Vec<R> = done_rx.iter().collect();
    if let Some(e) = first_panic {
        std::panic::resume_unwind(e);
    }
    results
}

pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    if consumers == 0 {
        panic!("consumers must be > 0");
    }
    let handle = Arc::new(handle);
    let (sender, receiver) = crossbeam::channel::unbounded::<T>();
    let producer_handles: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for item in items {
                    sender.send(item).unwrap();
                }
                // each producer's clone drops here, which closes the channel
            })
        })
        .collect();
    let consumer_handles: Vec<_> = (0..consumers)
        .map(|_| {
            let receiver = receiver.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut mine = Vec::new();
                for item in receiver.iter() {
                    mine.push(handle(item));
                }
                mine
            })
        })
        .collect();

    let mut first_panic = None;
    for h in producer_handles {
        if let Err(e) = h.join() {
            first_panic.get_or_insert(e);
        }
    }
    let mut results = Vec::new();
    for h in consumer_handles {
        match h.join() {
            Ok(mine) => results.extend(mine),
            Err(e) => {
                first_panic.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_panic {
        std::panic::resume_unwind(e);
    }
    results
}
