//! Known wrong: the caller waits for one result per item on a channel whose Sender it keeps: a panic in handle means one never comes, and the call hangs.
//! Written blind: the caller counts the items the producers sent and then waits for exactly that many results on a result channel whose sender it still holds (a `for _ in range(n): results.get()` habit): a panic in handle means one result never comes and the call hangs
//! expect-fail: a-panic-loses-nothing: did not return

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
                    Ok(Message::Item(x)) => res_tx.send(handle(x)).unwrap(),
                    _ => break,
                }
            })
        })
        .collect();
    let prods: Vec<thread::JoinHandle<usize>> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || {
                let mut sent = 0;
                for x in items {
                    tx.send(Message::Item(x)).unwrap();
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    let total: usize = prods.into_iter().map(|p| p.join().unwrap_or(0)).sum();
    for _ in 0..consumers {
        tx.send(Message::Stop).unwrap();
    }
    let mut results = Vec::with_capacity(total);
    for _ in 0..total {
        results.push(res_rx.recv().unwrap());
    }
    let mut first = None;
    for c in cons {
        if let Err(e) = c.join() {
            first.get_or_insert(e);
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
    let (res_tx, res_rx) = crossbeam::channel::unbounded::<R>();
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let res_tx = res_tx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                for x in rx.iter() {
                    res_tx.send(handle(x)).unwrap();
                }
            })
        })
        .collect();
    let prods: Vec<thread::JoinHandle<usize>> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || {
                let mut sent = 0;
                for x in items {
                    tx.send(x).unwrap();
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    drop(tx);
    let total: usize = prods.into_iter().map(|p| p.join().unwrap_or(0)).sum();
    let results: Vec<R> = (0..total).map(|_| res_rx.recv().unwrap()).collect();
    let mut first = None;
    for c in cons {
        if let Err(e) = c.join() {
            first.get_or_insert(e);
        }
    }
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    results
}
