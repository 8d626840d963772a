//! Known wrong: part 2 returns an empty Vec for 0 consumers instead of panicking.
//! Written blind: only part 1 checks `consumers == 0`; part 2 "cannot hang" on an unbounded channel, so with no consumer it quietly returns an empty Vec and drops the items instead of panicking at once
//! expect-fail: mpmc-edges: the contract says it panics

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking".
    Stop,
}

type Payload = Box<dyn std::any::Any + Send>;

fn settle<R>(results: Vec<R>, first: Option<Payload>) -> Vec<R> {
    match first {
        Some(p) => std::panic::resume_unwind(p),
        None => results,
    }
}

pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    if consumers == 0 {
        panic!("run: no consumers");
    }
    let handle = Arc::new(handle);
    let (tx, rx) = mpsc::channel::<Message<T>>();
    let shared = Arc::new(Mutex::new(rx));
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let shared = Arc::clone(&shared);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    let m = shared.lock().unwrap().recv();
                    let Ok(Message::Item(x)) = m else { return out };
                    out.push(handle(x));
                }
            })
        })
        .collect();
    let prods: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || items.into_iter().for_each(|x| drop(tx.send(Message::Item(x)))))
        })
        .collect();
    let mut first: Option<Payload> = None;
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
    settle(results, first)
}

pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let prods: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || items.into_iter().for_each(|x| drop(tx.send(x))))
        })
        .collect();
    drop(tx);
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || rx.iter().map(|x| handle(x)).collect::<Vec<R>>())
        })
        .collect();
    let mut first: Option<Payload> = None;
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
    settle(results, first)
}
