//! Known wrong: every thread, consumers too, is joined before the pills are sent: the caller waits for consumers that wait for it.
//! Written blind: every thread (producers and consumers alike) is joined in one loop before the pills are sent, so the caller waits on consumers that are waiting for a pill it has not sent yet
//! expect-fail: model-consumers-exit: blocked for ever

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
    let results = Arc::new(Mutex::new(Vec::<R>::new()));
    let (tx, rx) = mpsc::channel::<Message<T>>();
    let rx = Arc::new(Mutex::new(rx));
    let mut handles = Vec::new();
    for items in producers {
        let tx = tx.clone();
        handles.push(thread::spawn(move || {
            for x in items {
                tx.send(Message::Item(x)).unwrap();
            }
        }));
    }
    for _ in 0..consumers {
        let (rx, handle, results) = (rx.clone(), handle.clone(), results.clone());
        handles.push(thread::spawn(move || loop {
            let m = rx.lock().unwrap().recv();
            let Ok(Message::Item(x)) = m else { break };
            let r = handle(x);
            results.lock().unwrap().push(r);
        }));
    }
    let mut first = None;
    for h in handles {
        if let Err(p) = h.join() {
            first.get_or_insert(p);
        }
    }
    // Everybody is done: stop the consumers.
    for _ in 0..consumers {
        let _ = tx.send(Message::Stop);
    }
    if let Some(p) = first {
        std::panic::resume_unwind(p);
    }
    let v = std::mem::take(&mut *results.lock().unwrap());
    v
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
    let results = Arc::new(Mutex::new(Vec::<R>::new()));
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let mut handles = Vec::new();
    for items in producers {
        let tx = tx.clone();
        handles.push(thread::spawn(move || {
            for x in items {
                tx.send(x).unwrap();
            }
        }));
    }
    for _ in 0..consumers {
        let (rx, handle, results) = (rx.clone(), handle.clone(), results.clone());
        handles.push(thread::spawn(move || {
            for x in rx.iter() {
                let r = handle(x);
                results.lock().unwrap().push(r);
            }
        }));
    }
    let mut first = None;
    for h in handles {
        if let Err(p) = h.join() {
            first.get_or_insert(p);
        }
    }
    // Everybody is done: close the channel.
    drop(tx);
    if let Some(p) = first {
        std::panic::resume_unwind(p);
    }
    let v = std::mem::take(&mut *results.lock().unwrap());
    v
}
