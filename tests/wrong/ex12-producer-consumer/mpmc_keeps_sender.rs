//! Known wrong: part 2 never drops the original Sender: the channel never closes, every consumer waits in recv for ever.
//! expect-fail: mpmc-every-item-once: though all 70 items were handled

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
    let producing: Vec<JoinHandle<()>> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for item in items {
                    let _ = sender.send(Message::Item(item));
                }
            })
        })
        .collect();
    let consuming: Vec<JoinHandle<Vec<R>>> = (0..consumers)
        .map(|_| {
            let (receiver, handle) = (Arc::clone(&receiver), Arc::clone(&handle));
            thread::spawn(move || {
                let mut results = Vec::new();
                loop {
                    let message = receiver.lock().unwrap().recv();
                    match message {
                        Ok(Message::Item(item)) => results.push(handle(item)),
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
    //PILLS
    for _ in 0..consumers {
        let _ = sender.send(Message::Stop);
    }
    //CONSUMERS_JOINED
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
