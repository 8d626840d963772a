//! Known wrong: part 2 ignores `consumers` and drains the channel with one consumer thread.
//! Written blind: part 2 ignores `consumers` and drains the MPMC channel with one consumer thread ("crossbeam is lock-free, one reader is enough"), misreading MPMC as fast-by-itself; the count is part of the contract (part 1 is fine)
//! expect-fail: consumers-as-asked: one thread handled all 70 items
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
    let results = Arc::new(Mutex::new(Vec::new()));
    let mut cons = Vec::new();
    for _ in 0..consumers {
        let (rx, handle, results) = (rx.clone(), handle.clone(), results.clone());
        cons.push(thread::spawn(move || loop {
            let next = rx.lock().unwrap().recv();
            let Ok(Message::Item(x)) = next else { break };
            let r = handle(x);
            results.lock().unwrap().push(r);
        }));
    }
    let mut prods = Vec::new();
    for items in producers {
        let tx = tx.clone();
        prods.push(thread::spawn(move || {
            for x in items {
                let _ = tx.send(Message::Item(x));
            }
        }));
    }
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
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    let v = std::mem::take(&mut *results.lock().unwrap());
    v
}

pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0);
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let mut prods = Vec::new();
    for items in producers {
        let tx = tx.clone();
        prods.push(thread::spawn(move || {
            for x in items {
                let _ = tx.send(x);
            }
        }));
    }
    drop(tx);
    let consumer = thread::spawn(move || rx.iter().map(|x| handle(x)).collect::<Vec<R>>());
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
        }
    }
    match consumer.join() {
        Ok(v) => {
            if let Some(e) = first {
                std::panic::resume_unwind(e);
            }
            v
        }
        Err(e) => std::panic::resume_unwind(e),
    }
}
