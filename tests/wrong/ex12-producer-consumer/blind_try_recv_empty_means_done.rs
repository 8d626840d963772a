//! Known wrong: consumers leave at the first empty try_recv: items of late or slow producers are never handled.
//! Written blind: consumers quit on the first empty try_recv (Python's `while not q.empty(): q.get()`): an empty queue is taken for a finished one, so items from slow or late producers are never handled
//! expect-fail: every-item-once: never handled

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

    let prods: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || items.into_iter().for_each(|x| drop(tx.send(Message::Item(x)))))
        })
        .collect();
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    // Don't block: if there is nothing left, we are done.
                    let msg = rx.lock().unwrap().try_recv();
                    match msg {
                        Ok(Message::Item(x)) => out.push(handle(x)),
                        Ok(Message::Stop) | Err(_) => break,
                    }
                }
                out
            })
        })
        .collect();

    let mut panicked = None;
    for p in prods {
        if let Err(e) = p.join() {
            panicked.get_or_insert(e);
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
                panicked.get_or_insert(e);
            }
        }
    }
    if let Some(e) = panicked {
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
            thread::spawn(move || items.into_iter().for_each(|x| drop(tx.send(x))))
        })
        .collect();
    drop(tx);
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let handle = Arc::clone(&handle);
            // try_iter: everything that is there now, without waiting
            thread::spawn(move || rx.try_iter().map(|x| handle(x)).collect::<Vec<R>>())
        })
        .collect();
    let mut panicked = None;
    for p in prods {
        if let Err(e) = p.join() {
            panicked.get_or_insert(e);
        }
    }
    let mut results = Vec::new();
    for c in cons {
        match c.join() {
            Ok(v) => results.extend(v),
            Err(e) => {
                panicked.get_or_insert(e);
            }
        }
    }
    if let Some(e) = panicked {
        std::panic::resume_unwind(e);
    }
    results
}
