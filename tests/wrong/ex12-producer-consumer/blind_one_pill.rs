//! Known wrong: one Stop for all the consumers: the first to take it stops, the others wait in recv for ever.
//! Written blind: one Stop for all the consumers (Python's single `q.put(None)` habit): the first consumer to take it leaves, the others block in recv for ever
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
    let (tx, rx) = mpsc::channel();
    let rx = Arc::new(Mutex::new(rx));
    let workers: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut out = Vec::new();
                loop {
                    let msg = rx.lock().unwrap().recv();
                    match msg {
                        Ok(Message::Item(x)) => out.push(handle(x)),
                        Ok(Message::Stop) | Err(_) => break,
                    }
                }
                out
            })
        })
        .collect();
    let makers: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || {
                for x in items {
                    tx.send(Message::Item(x)).unwrap();
                }
            })
        })
        .collect();
    for m in makers {
        m.join().unwrap();
    }
    // The end of the stream.
    tx.send(Message::Stop).unwrap();
    let mut results = Vec::new();
    let mut panic = None;
    for w in workers {
        match w.join() {
            Ok(part) => results.extend(part),
            Err(p) => panic = panic.or(Some(p)),
        }
    }
    if let Some(p) = panic {
        std::panic::resume_unwind(p);
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
    let (tx, rx) = crossbeam::channel::unbounded();
    let makers: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let tx = tx.clone();
            thread::spawn(move || {
                for x in items {
                    tx.send(x).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let workers: Vec<_> = (0..consumers)
        .map(|_| {
            let rx = rx.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || rx.iter().map(|x| handle(x)).collect::<Vec<R>>())
        })
        .collect();
    for m in makers {
        m.join().unwrap();
    }
    let mut results = Vec::new();
    let mut panic = None;
    for w in workers {
        match w.join() {
            Ok(part) => results.extend(part),
            Err(p) => panic = panic.or(Some(p)),
        }
    }
    if let Some(p) = panic {
        std::panic::resume_unwind(p);
    }
    results
}
