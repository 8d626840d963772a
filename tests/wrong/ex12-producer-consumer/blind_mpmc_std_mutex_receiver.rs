//! Known wrong: part 2 reaches past the facade to std::sync::Mutex.
//! Written blind: part 2 shares one crossbeam receiver behind Arc<std::sync::Mutex> (lock per recv), "crossbeam is not modelled anyway so std is fine": a lock the contract says is not needed, from past the kata_sync facade
//! expect-fail: lint-race: the model checker cannot see std

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
    let cons: Vec<thread::JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    let msg = rx.lock().unwrap().recv();
                    match msg {
                        Ok(Message::Item(x)) => out.push(handle(x)),
                        Ok(Message::Stop) | Err(_) => return out,
                    }
                }
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
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
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
                first.get_or_insert(e);
            }
        }
    }
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
    let handle = std::sync::Arc::new(handle);
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
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
    let cons: Vec<thread::JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let rx = std::sync::Arc::clone(&rx);
            let handle = std::sync::Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match next {
                        Ok(x) => out.push(handle(x)),
                        Err(_) => return out,
                    }
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
    let mut results = Vec::new();
    for c in cons {
        match c.join() {
            Ok(v) => results.extend(v),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    results
}
