//! Known wrong: a right pipeline on std::sync and std::thread, past the kata_sync facade: neither counted nor model-checked.
//! Written blind: a correct pipeline written on std::sync::{mpsc, Arc, Mutex} and std::thread (copied from the chapter's std example), past the kata_sync facade, so the grader cannot count the threads nor model-check the channel
//! expect-fail: lint-race: the model checker only schedules its own threads

use std::sync::{mpsc, Arc, Mutex};
use std::thread;

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
    let (sender, receiver) = mpsc::channel::<Message<T>>();
    let receiver = Arc::new(Mutex::new(receiver));
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let receiver = Arc::clone(&receiver);
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let mut handled = Vec::new();
                loop {
                    let message = receiver.lock().unwrap().recv();
                    match message {
                        Ok(Message::Item(n)) => handled.push(handle(n)),
                        Ok(Message::Stop) | Err(_) => return handled,
                    }
                }
            })
        })
        .collect();
    let prods: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || {
                for n in items {
                    let _ = sender.send(Message::Item(n));
                }
            })
        })
        .collect();
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
        }
    }
    for _ in 0..cons.len() {
        let _ = sender.send(Message::Stop);
    }
    let mut results = Vec::new();
    for c in cons {
        match c.join() {
            Ok(v) => results.extend(v),
            Err(e) => {
                first.get_or_insert(e);
            }
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
    let (sender, receiver) = crossbeam::channel::unbounded();
    let prods: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || items.into_iter().for_each(|i| drop(sender.send(i))))
        })
        .collect();
    drop(sender);
    let cons: Vec<_> = (0..consumers)
        .map(|_| {
            let receiver = receiver.clone();
            let handle = Arc::clone(&handle);
            thread::spawn(move || receiver.iter().map(|item| handle(item)).collect::<Vec<R>>())
        })
        .collect();
    let mut first = None;
    for p in prods {
        if let Err(e) = p.join() {
            first.get_or_insert(e);
        }
    }
    let mut results = Vec::new();
    for c in cons {
        match c.join() {
            Ok(v) => results.extend(v),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first {
        std::panic::resume_unwind(e);
    }
    results
}
