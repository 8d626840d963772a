//! Known wrong: the consumers are never stopped nor joined: each sends every result back on a channel, and the caller returns once it has one per item sent, leaving the consumers blocked in recv.
//! expect-fail: nothing-left-running: were still running

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread::{self, JoinHandle};
use std::panic::resume_unwind;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    Item(T),
    Stop,
}

/// Part 1.
pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0);
    let (sender, receiver) = mpsc::channel::<Message<T>>();
    let receiver = Arc::new(Mutex::new(receiver));
    let handle = Arc::new(handle);
    let sent = Arc::new(kata_sync::sync::atomic::AtomicUsize::new(0));
    let producing: Vec<JoinHandle<()>> = producers
        .into_iter()
        .map(|items| {
            let (sender, sent) = (sender.clone(), Arc::clone(&sent));
            thread::spawn(move || {
                for item in items {
                    sent.fetch_add(1, kata_sync::sync::atomic::Ordering::SeqCst);
                    let _ = sender.send(Message::Item(item));
                }
            })
        })
        .collect();
    let (done, finished) = mpsc::channel::<R>();
    let consuming: Vec<JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let (receiver, handle) = (Arc::clone(&receiver), Arc::clone(&handle));
            let done = done.clone();
            thread::spawn(move || {
                let mut results = Vec::new();
                loop {
                    let message = receiver.lock().unwrap().recv();
                    match message {
                        Ok(Message::Item(item)) => {
                            let _ = done.send(handle(item));
                        }
                        Ok(Message::Stop) | Err(_) => break,
                    }
                }
                results
            })
        })
        .collect();
    //PRODUCERS_JOINED
    for producer in producing {
        producer.join().unwrap();
    }
    // Every item is in: one result each, and done (the consumers are left
    // waiting for more, detached).
    let total = sent.load(kata_sync::sync::atomic::Ordering::SeqCst);
    let results = finished.iter().take(total).collect();
    drop((consuming, sender, done));
    results
}

/// Part 2.
pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0);
    let (sender, receiver) = crossbeam::channel::unbounded::<T>();
    let handle = Arc::new(handle);
    let producing: Vec<JoinHandle<()>> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for item in items {
                    let _ = sender.send(item);
                }
            })
        })
        .collect();
    drop(sender);
    let consuming: Vec<JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let (receiver, handle) = (receiver.clone(), Arc::clone(&handle));
            thread::spawn(move || receiver.iter().map(|item| handle(item)).collect())
        })
        .collect();
    drop(receiver);
    for producer in producing {
        producer.join().unwrap();
    }
    let mut results = Vec::new();
    let mut panic = None;
    for consumer in consuming {
        match consumer.join() {
            Ok(mine) => results.extend(mine),
            Err(payload) => {
                panic.get_or_insert(payload);
            }
        }
    }
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    results
}
