//! Known wrong: each producer sends a Stop after its own items: with more producers than consumers, the early pills stop every consumer before the late items come.
//! Written blind: each producer puts a Stop after its own items (the "producer signals it is done" habit): with more producers than consumers the pills of early finishers stop consumers while items are still coming, with fewer some consumers never get one
//! expect-fail: every-item-once: never handled
//! expect-fail: model-every-item-once: never handled

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
            // this producer is finished
            tx.send(Message::Stop).unwrap();
        }));
    }
    drop(tx);
    for _ in 0..consumers {
        let rx = Arc::clone(&rx);
        let handle = Arc::clone(&handle);
        let results = Arc::clone(&results);
        threads.push(thread::spawn(move || loop {
            let m = rx.lock().unwrap().recv();
            match m {
                Ok(Message::Item(x)) => {
                    let r = handle(x);
                    results.lock().unwrap().push(r);
                }
                Ok(Message::Stop) | Err(_) => break,
            }
        }));
    }
    let mut first = None;
    for t in threads {
        if let Err(p) = t.join() {
            first.get_or_insert(p);
        }
    }
    if let Some(p) = first {
        std::panic::resume_unwind(p);
    }
    let mut g = results.lock().unwrap();
    std::mem::take(&mut *g)
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
            for x in rx {
                let r = handle(x);
                results.lock().unwrap().push(r);
            }
        }));
    }
    let mut first = None;
    for t in threads {
        if let Err(p) = t.join() {
            first.get_or_insert(p);
        }
    }
    if let Some(p) = first {
        std::panic::resume_unwind(p);
    }
    let mut g = results.lock().unwrap();
    std::mem::take(&mut *g)
}
