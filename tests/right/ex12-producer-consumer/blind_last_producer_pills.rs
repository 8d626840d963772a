//! Known right: the last producer to finish sends the pills (a countdown in a drop guard), results in an Arc<Mutex<Vec>>.
//! Written blind: the last producer to finish sends the pills (a countdown in a drop guard, so it runs even if a producer panics; the caller sends them when there are no producers); results in an Arc<Mutex<Vec>>; part 2 consumers loop on recv of their own receiver clone

use std::any::Any;

#[allow(unused_imports)]
use kata_sync::sync::{mpsc, Arc, Mutex};
#[allow(unused_imports)]
use kata_sync::thread;

/// What part 1's channel carries: an item, or the poison pill.
pub enum Message<T> {
    /// An item for a consumer to handle.
    Item(T),
    /// "Stop taking": the consumer that receives it leaves its loop.
    Stop,
}

type Payload = Box<dyn Any + Send + 'static>;

/// Held by each producer thread: when it drops (after the producer's last
/// send, or while it unwinds) it counts the producer out, and the last one
/// out sends one pill per consumer, behind every item.
struct CountOut<T> {
    left: Arc<Mutex<usize>>,
    sender: mpsc::Sender<Message<T>>,
    pills: usize,
}

impl<T> Drop for CountOut<T> {
    fn drop(&mut self) {
        let mut left = self.left.lock().unwrap_or_else(|p| p.into_inner());
        *left -= 1;
        if *left == 0 {
            for _ in 0..self.pills {
                let _ = self.sender.send(Message::Stop);
            }
        }
    }
}

fn join_all<X>(threads: Vec<thread::JoinHandle<X>>, first: &mut Option<Payload>) {
    for t in threads {
        if let Err(payload) = t.join() {
            if first.is_none() {
                *first = Some(payload);
            }
        }
    }
}

/// Part 1.
pub fn run<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers >= 1, "consumers == 0: nobody would take an item");
    let handle = Arc::new(handle);
    let results: Arc<Mutex<Vec<R>>> = Arc::new(Mutex::new(Vec::new()));
    let (sender, receiver) = mpsc::channel::<Message<T>>();
    let receiver = Arc::new(Mutex::new(receiver));

    let mut consumer_threads = Vec::new();
    for _ in 0..consumers {
        let receiver = Arc::clone(&receiver);
        let handle = Arc::clone(&handle);
        let results = Arc::clone(&results);
        consumer_threads.push(thread::spawn(move || loop {
            let message = receiver.lock().unwrap_or_else(|p| p.into_inner()).recv();
            if let Ok(Message::Item(item)) = message {
                let result = handle(item);
                results.lock().unwrap_or_else(|p| p.into_inner()).push(result);
            } else {
                return;
            }
        }));
    }

    let mut producer_threads = Vec::new();
    if producers.is_empty() {
        for _ in 0..consumers {
            let _ = sender.send(Message::Stop);
        }
    } else {
        let left = Arc::new(Mutex::new(producers.len()));
        for items in producers {
            let guard = CountOut {
                left: Arc::clone(&left),
                sender: sender.clone(),
                pills: consumers,
            };
            producer_threads.push(thread::spawn(move || {
                let guard = guard;
                for item in items {
                    if guard.sender.send(Message::Item(item)).is_err() {
                        break;
                    }
                }
                drop(guard);
            }));
        }
    }
    drop(sender);

    let mut producer_panic = None;
    join_all(producer_threads, &mut producer_panic);
    let mut consumer_panic = None;
    join_all(consumer_threads, &mut consumer_panic);
    if let Some(payload) = consumer_panic.or(producer_panic) {
        std::panic::resume_unwind(payload);
    }
    let mut results = results.lock().unwrap_or_else(|p| p.into_inner());
    std::mem::take(&mut *results)
}

/// Part 2.
pub fn run_mpmc<T, R, I, F>(producers: Vec<I>, consumers: usize, handle: F) -> Vec<R>
where
    I: IntoIterator<Item = T> + Send + 'static,
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    assert!(consumers >= 1, "consumers == 0: nobody would take an item");
    let handle = Arc::new(handle);
    let results: Arc<Mutex<Vec<R>>> = Arc::new(Mutex::new(Vec::new()));
    let (sender, receiver) = crossbeam::channel::unbounded::<T>();

    let mut consumer_threads = Vec::new();
    for _ in 0..consumers {
        let receiver = receiver.clone();
        let handle = Arc::clone(&handle);
        let results = Arc::clone(&results);
        consumer_threads.push(thread::spawn(move || loop {
            match receiver.recv() {
                Ok(item) => {
                    let result = handle(item);
                    results.lock().unwrap_or_else(|p| p.into_inner()).push(result);
                }
                Err(crossbeam::channel::RecvError) => return,
            }
        }));
    }
    drop(receiver);

    let mut producer_threads = Vec::new();
    for items in producers {
        let sender = sender.clone();
        producer_threads.push(thread::spawn(move || {
            items.into_iter().try_for_each(|item| sender.send(item)).ok();
        }));
    }
    drop(sender);

    let mut producer_panic = None;
    join_all(producer_threads, &mut producer_panic);
    let mut consumer_panic = None;
    join_all(consumer_threads, &mut consumer_panic);
    if let Some(payload) = consumer_panic.or(producer_panic) {
        std::panic::resume_unwind(payload);
    }
    let mut results = results.lock().unwrap_or_else(|p| p.into_inner());
    std::mem::take(&mut *results)
}
