//! Known wrong: the caller's own thread is one of the consumers.
//! Written blind: the calling thread does its share, spawning consumers - 1 threads and consuming on its own thread too (Python's "the main thread works while it waits"), so handle runs on the caller's thread
//! expect-fail: consumers-as-asked: the caller's own thread called handle

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking".
    Stop,
}

fn consume<T, R, F: Fn(T) -> R>(rx: &Mutex<mpsc::Receiver<Message<T>>>, handle: &F) -> Vec<R> {
    let mut out = Vec::new();
    loop {
        let m = rx.lock().unwrap().recv();
        match m {
            Ok(Message::Item(x)) => out.push(handle(x)),
            _ => return out,
        }
    }
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
    let helpers: Vec<_> = (1..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || consume(&rx, &*handle))
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
    // A stopper: once the producers are done, one pill per consumer (the caller included).
    let stopper = thread::spawn(move || {
        for p in prods {
            let _ = p.join();
        }
        for _ in 0..consumers {
            let _ = tx.send(Message::Stop);
        }
    });
    let mut results = consume(&rx, &*handle);
    let _ = stopper.join();
    let mut first = None;
    for h in helpers {
        match h.join() {
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
    let helpers: Vec<_> = (1..consumers)
        .map(|_| {
            let rx = rx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || rx.iter().map(|x| handle(x)).collect::<Vec<R>>())
        })
        .collect();
    let mut results: Vec<R> = rx.iter().map(|x| handle(x)).collect();
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
        }
    }
    for h in helpers {
        match h.join() {
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
