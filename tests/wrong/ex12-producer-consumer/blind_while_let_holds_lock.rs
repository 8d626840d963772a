//! Known wrong: `while let Ok(..) = rx.lock().unwrap().recv()`: the guard lives through the body, consumers take turns at handling.
//! Written blind: the consumer loop is `while let Ok(Message::Item(x)) = rx.lock().unwrap().recv() { ... handle(x) ... }` (the Rust book's first worker loop): the guard lives through the body, so consumers take turns and a slow one holds the fast one up
//! expect-fail: consumers-as-asked: the guard lives through the body

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
    assert!(consumers > 0);
    let handle = Arc::new(handle);
    let (results_tx, results_rx) = mpsc::channel::<R>();
    let (tx, rx) = mpsc::channel::<Message<T>>();
    let rx = Arc::new(Mutex::new(rx));
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            let results_tx = results_tx.clone();
            thread::spawn(move || {
                while let Ok(Message::Item(x)) = rx.lock().unwrap().recv() {
                    let _ = results_tx.send(handle(x));
                }
            })
        })
        .collect();
    drop(results_tx);
    let prods: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || {
                for x in items {
                    let _ = tx.send(Message::Item(x));
                }
            })
        })
        .collect();
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
        }
    }
    for _ in 0..consumers {
        let _ = tx.send(Message::Stop);
    }
    for c in cons {
        if let Err(e) = c.join() {
            first.get_or_insert(e);
        }
    }
    let results = results_rx.iter().collect();
    if let Some(e) = first {
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
    assert!(consumers > 0);
    let handle = Arc::new(handle);
    let (results_tx, results_rx) = crossbeam::channel::unbounded::<R>();
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let handle = Arc::clone(&handle);
            let results_tx = results_tx.clone();
            thread::spawn(move || {
                while let Ok(x) = rx.recv() {
                    let _ = results_tx.send(handle(x));
                }
            })
        })
        .collect();
    drop(results_tx);
    let prods: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || {
                for x in items {
                    let _ = tx.send(x);
                }
            })
        })
        .collect();
    drop(tx);
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
        }
    }
    for c in cons {
        if let Err(e) = c.join() {
            first.get_or_insert(e);
        }
    }
    let results = results_rx.iter().collect();
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    results
}
