//! Known wrong: part 2 shares the crossbeam receiver behind a Mutex and iterates under the lock: one consumer handles everything.
//! Written blind: part 2 copies part 1's Arc<Mutex<Receiver>> instead of cloning crossbeam's receiver, and loops `for x in rx.lock().unwrap().iter()`: the first consumer holds the lock for the whole stream and handles everything (part 1 is fine)
//! expect-fail: consumers-as-asked: the guard lives through the body
//! expect-fail: mpmc-shares-work: only one thread handled items

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
                    let msg = rx.lock().unwrap().recv();
                    if let Ok(Message::Item(x)) = msg {
                        out.push(handle(x));
                    } else {
                        break out;
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
    let handle = Arc::new(handle);
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let rx = Arc::new(Mutex::new(rx));
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
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                let guard = rx.lock().unwrap_or_else(|p| p.into_inner());
                for x in guard.iter() {
                    out.push(handle(x));
                }
                out
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
