//! Known wrong: a dispatcher starts a thread per item to handle it.
//! Written blind: a dispatcher takes each item off the channel and spawns a fresh thread to handle it (Python's `Thread(target=handle, args=(item,))` per job), so far more than `consumers` threads call handle
//! expect-fail: consumers-as-asked: not a thread per item

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking".
    Stop,
}

fn join_workers<R>(workers: Vec<thread::JoinHandle<R>>) -> Vec<R> {
    let mut out = Vec::new();
    let mut first = None;
    for w in workers {
        match w.join() {
            Ok(r) => out.push(r),
            Err(p) => {
                first.get_or_insert(p);
            }
        }
    }
    if let Some(p) = first {
        std::panic::resume_unwind(p);
    }
    out
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
    // `consumers` dispatchers; each runs every item it takes on a thread of its own.
    let dispatchers: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut workers = Vec::new();
                loop {
                    let m = rx.lock().unwrap().recv();
                    match m {
                        Ok(Message::Item(x)) => {
                            let handle = Arc::clone(&handle);
                            workers.push(thread::spawn(move || handle(x)));
                        }
                        _ => break,
                    }
                }
                join_workers(workers)
            })
        })
        .collect();
    for p in prods {
        let _ = p.join();
    }
    for _ in 0..consumers {
        let _ = tx.send(Message::Stop);
    }
    join_workers(dispatchers).into_iter().flatten().collect()
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
    let mut workers = Vec::new();
    for x in rx.iter() {
        let handle = Arc::clone(&handle);
        workers.push(thread::spawn(move || handle(x)));
    }
    for p in prods {
        let _ = p.join();
    }
    join_workers(workers)
}
