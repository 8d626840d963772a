//! Known wrong: a dealer hands item i to consumer i % n on a channel each: a slow consumer gets as many items as a fast one.
//! Written blind: a dealer thread hands item i to consumer i % n over a channel per consumer, then a pill to each (looks fair, like multiprocessing's chunked map), so a slow consumer gets as many items as a fast one
//! expect-fail: shares-work: dealt out in turn
//! expect-fail: mpmc-shares-work: dealt out in turn

use kata_sync::sync::{mpsc, Arc};
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking".
    Stop,
}

fn join_all<R>(hs: Vec<thread::JoinHandle<Vec<R>>>) -> Vec<R> {
    let mut out = Vec::new();
    let mut first = None;
    for h in hs {
        match h.join() {
            Ok(v) => out.extend(v),
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
    let mut lanes = Vec::new();
    let mut cons = Vec::new();
    for _ in 0..consumers {
        let (lane_tx, lane_rx) = mpsc::channel::<Message<T>>();
        lanes.push(lane_tx);
        let handle = Arc::clone(&handle);
        cons.push(thread::spawn(move || {
            let mut out = Vec::new();
            while let Ok(Message::Item(x)) = lane_rx.recv() {
                out.push(handle(x));
            }
            out
        }));
    }
    let dealer = thread::spawn(move || {
        let mut next = 0;
        for m in rx {
            match m {
                Message::Item(x) => {
                    let _ = lanes[next % lanes.len()].send(Message::Item(x));
                    next += 1;
                }
                Message::Stop => break,
            }
        }
        for lane in &lanes {
            let _ = lane.send(Message::Stop);
        }
    });
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
    for p in prods {
        let _ = p.join();
    }
    let _ = tx.send(Message::Stop);
    let _ = dealer.join();
    join_all(cons)
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
    let mut lanes = Vec::new();
    let mut cons = Vec::new();
    for _ in 0..consumers {
        let (lane_tx, lane_rx) = crossbeam::channel::unbounded::<T>();
        lanes.push(lane_tx);
        let handle = Arc::clone(&handle);
        cons.push(thread::spawn(move || lane_rx.iter().map(|x| handle(x)).collect::<Vec<R>>()));
    }
    let dealer = thread::spawn(move || {
        for (i, x) in rx.iter().enumerate() {
            let _ = lanes[i % lanes.len()].send(x);
        }
        // lanes drop here: every consumer's channel closes
    });
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
    for p in prods {
        let _ = p.join();
    }
    let _ = dealer.join();
    join_all(cons)
}
