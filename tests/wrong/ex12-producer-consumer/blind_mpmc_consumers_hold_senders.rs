//! Known wrong: part 2 gives every consumer a Sender clone too: the channel never closes.
//! Written blind: part 2 gives every consumer a Sender clone too ("so it can put an item back"), so the channel never closes: every item is handled, then the consumers wait in recv for ever (part 1 is fine)
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
    assert!(consumers > 0);
    let handle = Arc::new(handle);
    let results = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel::<Message<T>>();
    let rx = Arc::new(Mutex::new(rx));
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let (rx, handle, results) = (Arc::clone(&rx), Arc::clone(&handle), Arc::clone(&results));
            thread::spawn(move || loop {
                let m = rx.lock().unwrap().recv();
                match m {
                    Ok(Message::Item(x)) => {
                        let r = handle(x);
                        results.lock().unwrap().push(r);
                    }
                    Ok(Message::Stop) | Err(_) => break,
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
    for c in cons {
        if let Err(e) = c.join() {
            first.get_or_insert(e);
        }
    }
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    let out = std::mem::take(&mut *results.lock().unwrap());
    out
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
    let results = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let (tx, rx) = (tx.clone(), rx.clone());
            let (handle, results) = (Arc::clone(&handle), Arc::clone(&results));
            thread::spawn(move || {
                let _requeue = tx; // kept for putting work back later
                for x in rx.iter() {
                    let r = handle(x);
                    results.lock().unwrap().push(r);
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
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    let out = std::mem::take(&mut *results.lock().unwrap());
    out
}
