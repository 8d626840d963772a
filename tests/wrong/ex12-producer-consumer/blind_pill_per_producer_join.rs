//! Known wrong: a pill after each producer is joined: pills land before the items of producers still running.
//! Written blind: the caller joins the producers one by one and sends a pill after each join ("that producer is done, one consumer can go"), so pills land before the items of producers still running, and with fewer producers than consumers the rest are topped up only at the end
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
    let (res_tx, res_rx) = mpsc::channel::<R>();
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let res_tx = res_tx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || loop {
                let m = rx.lock().unwrap().recv();
                match m {
                    Ok(Message::Item(x)) => {
                        let _ = res_tx.send(handle(x));
                    }
                    _ => break,
                }
            })
        })
        .collect();
    drop(res_tx);
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
    let mut pills = 0;
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
        }
        if pills < consumers {
            let _ = tx.send(Message::Stop);
            pills += 1;
        }
    }
    while pills < consumers {
        let _ = tx.send(Message::Stop);
        pills += 1;
    }
    for c in cons {
        if let Err(e) = c.join() {
            first.get_or_insert(e);
        }
    }
    let results: Vec<R> = res_rx.iter().collect();
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
    let (res_tx, res_rx) = crossbeam::channel::unbounded::<R>();
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let res_tx = res_tx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                for x in rx.iter() {
                    let _ = res_tx.send(handle(x));
                }
            })
        })
        .collect();
    drop(res_tx);
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
    let results: Vec<R> = res_rx.iter().collect();
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    results
}
