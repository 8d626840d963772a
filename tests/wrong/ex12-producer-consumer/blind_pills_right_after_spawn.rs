//! Known wrong: the pills are sent before the producers are joined: they land between items, and consumers stop while items are still coming.
//! Written blind: the pills are sent right after spawning the producers, before joining them (Python: put the Nones, then join everyone), so they land between items and consumers quit early
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
    assert!(consumers > 0, "need a consumer");
    let handle = Arc::new(handle);
    let results = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel::<Message<T>>();
    let rx = Arc::new(Mutex::new(rx));

    let mut threads = Vec::new();
    for items in producers {
        let tx = tx.clone();
        threads.push(thread::spawn(move || {
            for x in items {
                tx.send(Message::Item(x)).unwrap();
            }
        }));
    }
    for _ in 0..consumers {
        let rx = Arc::clone(&rx);
        let handle = Arc::clone(&handle);
        let results = Arc::clone(&results);
        threads.push(thread::spawn(move || loop {
            let msg = rx.lock().unwrap().recv();
            match msg {
                Ok(Message::Item(x)) => {
                    let r = handle(x);
                    results.lock().unwrap().push(r);
                }
                _ => return,
            }
        }));
    }
    // Tell every consumer to stop once the queue is drained.
    for _ in 0..consumers {
        tx.send(Message::Stop).unwrap();
    }
    let mut panic = None;
    for t in threads {
        if let Err(p) = t.join() {
            panic.get_or_insert(p);
        }
    }
    if let Some(p) = panic {
        std::panic::resume_unwind(p);
    }
    let mut guard = results.lock().unwrap();
    std::mem::take(&mut *guard)
}

pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0, "need a consumer");
    let handle = Arc::new(handle);
    let results = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = crossbeam::channel::unbounded::<T>();
    let mut threads = Vec::new();
    for items in producers {
        let tx = tx.clone();
        threads.push(thread::spawn(move || {
            for x in items {
                tx.send(x).unwrap();
            }
        }));
    }
    drop(tx);
    for _ in 0..consumers {
        let rx = rx.clone();
        let handle = Arc::clone(&handle);
        let results = Arc::clone(&results);
        threads.push(thread::spawn(move || {
            while let Ok(x) = rx.recv() {
                let r = handle(x);
                results.lock().unwrap().push(r);
            }
        }));
    }
    let mut panic = None;
    for t in threads {
        if let Err(p) = t.join() {
            panic.get_or_insert(p);
        }
    }
    if let Some(p) = panic {
        std::panic::resume_unwind(p);
    }
    let mut guard = results.lock().unwrap();
    std::mem::take(&mut *guard)
}
