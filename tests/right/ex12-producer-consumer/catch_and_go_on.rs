//! Known right: consumers catch a panicking handle and go on with the next item; part 1 closes the channel (no pill); part 2 sends a None pill per consumer on crossbeam instead of closing.

use kata_sync::sync::{mpsc, Arc, Mutex};
use kata_sync::thread;
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    Item(T),
    Stop,
}

type Panic = Box<dyn Any + Send>;

/// A consumer's loop around `next`: each item handled, a panic kept.
fn consume<T, R>(
    mut next: impl FnMut() -> Option<T>,
    handle: &(dyn Fn(T) -> R + Sync),
    first: &Mutex<Option<Panic>>,
) -> Vec<R> {
    let mut out = Vec::new();
    while let Some(item) = next() {
        match catch_unwind(AssertUnwindSafe(|| handle(item))) {
            Ok(r) => out.push(r),
            Err(panic) => {
                first.lock().unwrap().get_or_insert(panic);
            }
        }
    }
    out
}

fn finish<R>(joined: Vec<Vec<R>>, first: &Mutex<Option<Panic>>) -> Vec<R> {
    if let Some(panic) = first.lock().unwrap().take() {
        resume_unwind(panic);
    }
    joined.into_iter().flatten().collect()
}

/// Part 1: the channel closes when the last producer's Sender goes.
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
    let (handle, first) = (Arc::new(handle), Arc::new(Mutex::new(None)));
    let producing: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || items.into_iter().for_each(|i| drop(sender.send(Message::Item(i)))))
        })
        .collect();
    drop(sender);
    let consuming: Vec<_> = (0..consumers)
        .map(|_| {
            let (receiver, handle, first) =
                (Arc::clone(&receiver), Arc::clone(&handle), Arc::clone(&first));
            thread::spawn(move || {
                let next = || match receiver.lock().unwrap().recv() {
                    Ok(Message::Item(item)) => Some(item),
                    _ => None,
                };
                consume(next, &*handle, &first)
            })
        })
        .collect();
    producing.into_iter().for_each(|p| p.join().unwrap());
    let joined = consuming.into_iter().map(|c| c.join().unwrap()).collect();
    finish(joined, &first)
}

/// Part 2: a `None` per consumer after the producers, on crossbeam.
pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers > 0);
    let (sender, receiver) = crossbeam::channel::unbounded::<Option<T>>();
    let (handle, first) = (Arc::new(handle), Arc::new(Mutex::new(None)));
    let producing: Vec<_> = producers
        .into_iter()
        .map(|items| {
            let sender = sender.clone();
            thread::spawn(move || items.into_iter().for_each(|i| drop(sender.send(Some(i)))))
        })
        .collect();
    let consuming: Vec<_> = (0..consumers)
        .map(|_| {
            let (receiver, handle, first) = (receiver.clone(), Arc::clone(&handle), Arc::clone(&first));
            thread::spawn(move || consume(|| receiver.recv().ok().flatten(), &*handle, &first))
        })
        .collect();
    producing.into_iter().for_each(|p| p.join().unwrap());
    // crossbeam needs no pill, but one works the same: a None per consumer.
    (0..consumers).for_each(|_| drop(sender.send(None)));
    let joined = consuming.into_iter().map(|c| c.join().unwrap()).collect();
    finish(joined, &first)
}
