//! Known wrong: part 2 consumers leave on a 50 ms recv_timeout: a producer that starts later has items nobody takes.
//! Written blind: part 2 consumers use `recv_timeout(50ms)` and leave on a timeout (Python's `q.get(timeout=...)` / `except Empty: break`), so a producer that starts late or sends slowly has items nobody takes (part 1 is fine)
//! expect-fail: mpmc-consumers-wait-asleep: never handled

use kata_sync::time::Duration;

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking".
    Stop,
}

fn gather<R>(cons: Vec<thread::JoinHandle<Vec<R>>>, mut first: Option<Box<dyn std::any::Any + Send>>) -> Vec<R> {
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
    let cons: Vec<thread::JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    let m = rx.lock().unwrap().recv();
                    match m {
                        Ok(Message::Item(x)) => out.push(handle(x)),
                        Ok(Message::Stop) | Err(_) => return out,
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
    for _ in 0..consumers {
        let _ = tx.send(Message::Stop);
    }
    gather(cons, first)
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
    let cons: Vec<thread::JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                // Idle for 50 ms: the producers must be finished.
                while let Ok(x) = rx.recv_timeout(Duration::from_millis(50)) {
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
    gather(cons, first)
}
