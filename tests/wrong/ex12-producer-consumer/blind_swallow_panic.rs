//! Known wrong: a panicked consumer is skipped when its join fails: the panic never reaches the caller.
//! Written blind: a panicked consumer is skipped when collecting (`filter_map(|h| h.join().ok())`) so the call "survives" and returns the other results; the panic never reaches the caller
//! expect-fail: a-panic-loses-nothing: returned normally

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
            thread::spawn(move || {
                for x in items {
                    let _ = tx.send(Message::Item(x));
                }
            })
        })
        .collect();
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    let m = rx.lock().unwrap().recv();
                    match m {
                        Ok(Message::Item(x)) => out.push(handle(x)),
                        _ => return out,
                    }
                }
            })
        })
        .collect();
    for p in prods {
        let _ = p.join();
    }
    for _ in 0..consumers {
        let _ = tx.send(Message::Stop);
    }
    // A consumer that panicked has no results to give: skip it.
    cons.into_iter()
        .filter_map(|c| c.join().ok())
        .flatten()
        .collect()
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
            thread::spawn(move || rx.iter().map(|x| handle(x)).collect::<Vec<_>>())
        })
        .collect();
    for p in prods {
        let _ = p.join();
    }
    cons.into_iter()
        .filter_map(|c| c.join().ok())
        .flatten()
        .collect()
}
