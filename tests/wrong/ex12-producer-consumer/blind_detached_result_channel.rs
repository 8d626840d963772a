//! Known wrong: no thread is joined (the caller reads a result channel until it closes): a consumer's panic is lost, the call returns normally.
//! Written blind: threads are never joined (Python's daemon threads): the caller reads a result channel until every consumer's result sender is gone and returns, with the threads still ending and a consumer's panic just a shorter result list
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
    let (res_tx, res_rx) = mpsc::channel::<R>();

    for _ in 0..consumers {
        let rx = Arc::clone(&rx);
        let res_tx = res_tx.clone();
        let handle = Arc::clone(&handle);
        thread::spawn(move || loop {
            let msg = rx.lock().unwrap().recv();
            match msg {
                Ok(Message::Item(x)) => res_tx.send(handle(x)).unwrap(),
                _ => break,
            }
        });
    }
    drop(res_tx);

    // A coordinator: waits for the producers, then poisons the consumers.
    let n_producers = producers.len();
    let (finished_tx, finished_rx) = mpsc::channel::<()>();
    for items in producers {
        let tx = tx.clone();
        let finished_tx = finished_tx.clone();
        thread::spawn(move || {
            for x in items {
                tx.send(Message::Item(x)).unwrap();
            }
            finished_tx.send(()).unwrap();
        });
    }
    thread::spawn(move || {
        for _ in 0..n_producers {
            finished_rx.recv().unwrap();
        }
        for _ in 0..consumers {
            tx.send(Message::Stop).unwrap();
        }
    });

    // Ends once every consumer has dropped its result sender.
    res_rx.iter().collect()
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
    for items in producers {
        let tx = tx.clone();
        thread::spawn(move || {
            for x in items {
                tx.send(x).unwrap();
            }
        });
    }
    drop(tx);
    for _ in 0..consumers {
        let rx = rx.clone();
        let res_tx = res_tx.clone();
        let handle = Arc::clone(&handle);
        thread::spawn(move || {
            for x in rx {
                res_tx.send(handle(x)).unwrap();
            }
        });
    }
    drop(res_tx);
    res_rx.iter().collect()
}
