//! Known wrong: the receiver's guard lives through the whole match: consumers take turns at handling, and a panic in handle poisons the lock for the others.
//! Written blind: `match receiver.lock().unwrap().recv() { Item(x) => handle(x) }` keeps the guard for the whole match, so consumers take turns at handling, and a panic in handle poisons the lock and takes every other consumer down with it
//! expect-fail: consumers-as-asked: the guard lives through the body
//! expect-fail: a-panic-loses-nothing: must go on

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
    let (tx, rx) = mpsc::channel::<Message<T>>();
    let rx = Arc::new(Mutex::new(rx));
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    match rx.lock().unwrap().recv() {
                        Ok(Message::Item(x)) => out.push(handle(x)),
                        Ok(Message::Stop) | Err(_) => break,
                    }
                }
                out
            })
        })
        .collect();
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
    let mut err = None;
    for p in prods {
        if let Err(e) = p.join() {
            err.get_or_insert(e);
        }
    }
    for _ in 0..consumers {
        let _ = tx.send(Message::Stop);
    }
    let mut results = Vec::new();
    for c in cons {
        match c.join() {
            Ok(v) => results.extend(v),
            Err(e) => {
                err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = err {
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
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
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
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    match rx.recv() {
                        Ok(x) => out.push(handle(x)),
                        Err(_) => break,
                    }
                }
                out
            })
        })
        .collect();
    let mut err = None;
    for p in prods {
        if let Err(e) = p.join() {
            err.get_or_insert(e);
        }
    }
    let mut results = Vec::new();
    for c in cons {
        match c.join() {
            Ok(v) => results.extend(v),
            Err(e) => {
                err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = err {
        std::panic::resume_unwind(e);
    }
    results
}
