//! Known wrong: thread::scope joins, and re-panics with its own message: handle's payload never reaches the caller.
//! Written blind: thread::scope does the joining (no JoinHandles kept), so a panic in handle reaches the caller as the scope's own "a scoped thread panicked", not handle's payload
//! expect-fail: a-panic-loses-nothing: panicked with

use kata_sync::sync::{mpsc, Mutex};
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
    let (tx, rx) = mpsc::channel::<Message<T>>();
    let rx = Mutex::new(rx);
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..consumers {
            s.spawn(|| loop {
                let m = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                match m {
                    Ok(Message::Item(x)) => {
                        let r = handle(x);
                        results.lock().unwrap_or_else(|p| p.into_inner()).push(r);
                    }
                    _ => break,
                }
            });
        }
        // the producers in a scope of their own: it ends when they all have
        thread::scope(|ps| {
            for items in producers {
                let tx = tx.clone();
                ps.spawn(move || {
                    for x in items {
                        let _ = tx.send(Message::Item(x));
                    }
                });
            }
        });
        for _ in 0..consumers {
            let _ = tx.send(Message::Stop);
        }
    });
    results.into_inner().unwrap_or_else(|p| p.into_inner())
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
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for items in producers {
            let tx = tx.clone();
            s.spawn(move || {
                for x in items {
                    let _ = tx.send(x);
                }
            });
        }
        drop(tx);
        for _ in 0..consumers {
            let rx = rx.clone();
            let (handle, results) = (&handle, &results);
            s.spawn(move || {
                for x in rx.iter() {
                    let r = handle(x);
                    results.lock().unwrap_or_else(|p| p.into_inner()).push(r);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|p| p.into_inner())
}
