//! Known right: the last producer to finish sends the pills (a count of producers still running), and part 2 runs on scoped threads.

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread;
use std::panic::resume_unwind;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    Item(T),
    Stop,
}

/// Part 1: whoever finishes producing last puts the pills behind every item.
pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0, "no consumers");
    let (sender, receiver) = mpsc::channel();
    let receiver = Arc::new(Mutex::new(receiver));
    let handle = Arc::new(handle);
    let running = Arc::new(AtomicUsize::new(producers.len()));
    if producers.is_empty() {
        for _ in 0..consumers {
            sender.send(Message::Stop).unwrap();
        }
    }
    let mut threads = Vec::new();
    for items in producers {
        let (sender, running) = (sender.clone(), Arc::clone(&running));
        threads.push(thread::spawn(move || {
            for item in items {
                let _ = sender.send(Message::Item(item));
            }
            // The last one out: every other producer has sent all it had.
            if running.fetch_sub(1, Ordering::SeqCst) == 1 {
                for _ in 0..consumers {
                    let _ = sender.send(Message::Stop);
                }
            }
            Vec::new()
        }));
    }
    drop(sender);
    for _ in 0..consumers {
        let (receiver, handle) = (Arc::clone(&receiver), Arc::clone(&handle));
        threads.push(thread::spawn(move || {
            let mut out = Vec::new();
            loop {
                let next = receiver.lock().unwrap().recv();
                let Ok(Message::Item(item)) = next else { return out };
                out.push(handle(item));
            }
        }));
    }
    let joined: Vec<_> = threads.into_iter().map(|t| t.join()).collect();
    let mut results = Vec::new();
    for one in joined {
        match one {
            Ok(mine) => results.extend(mine),
            Err(panic) => resume_unwind(panic),
        }
    }
    results
}

/// Part 2: scoped threads; the channel closes when the producers' senders go.
pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0, "no consumers");
    let (sender, receiver) = crossbeam::channel::unbounded();
    let handle = &handle;
    thread::scope(|s| {
        for items in producers {
            let sender = sender.clone();
            s.spawn(move || items.into_iter().for_each(|item| drop(sender.send(item))));
        }
        drop(sender);
        let consuming: Vec<_> = (0..consumers)
            .map(|_| {
                let receiver = receiver.clone();
                s.spawn(move || receiver.into_iter().map(handle).collect::<Vec<R>>())
            })
            .collect();
        drop(receiver);
        let joined: Vec<_> = consuming.into_iter().map(|c| c.join()).collect();
        let mut results = Vec::new();
        for one in joined {
            match one {
                Ok(mine) => results.extend(mine),
                Err(panic) => resume_unwind(panic),
            }
        }
        results
    })
}
