//! Known wrong: join().unwrap() on each consumer: the caller panics with unwrap's message, not handle's payload, before the others are joined.
//! Written blind: every JoinHandle is joined with `.join().unwrap()` (as in the book's first examples): the first panicked consumer panics the caller at once, with unwrap's message instead of handle's payload, before the remaining consumers are joined
//! expect-fail: a-panic-loses-nothing: panicked with

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
                    tx.send(Message::Item(x)).unwrap();
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
    prods.into_iter().for_each(|p| p.join().unwrap());
    for _ in 0..consumers {
        tx.send(Message::Stop).unwrap();
    }
    cons.into_iter().flat_map(|c| c.join().unwrap()).collect()
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
                    tx.send(x).unwrap();
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
    prods.into_iter().for_each(|p| p.join().unwrap());
    cons.into_iter().flat_map(|c| c.join().unwrap()).collect()
}
