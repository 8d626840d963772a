//! Known wrong: a sync_channel with its Receiver in a Mutex: a taker blocked in recv holds the lock, and the timed calls cannot time out under the model.
//! Written blind: a `sync_channel(capacity)` does the blocking, the Receiver shared in a Mutex and an atomic for len(), the "Rust has this built in" design; a take blocks in `recv` holding the receiver lock, so poll(0) from another thread hangs, and len() counts outside the hand-over.
//! expect-fail: take-blocks-asleep: the waiting thread keeps the lock
//! expect-fail: model-poll-timeout: build the wait on the

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Instant;

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    tx: Mutex<SyncSender<T>>,
    rx: Mutex<Receiver<T>>,
    len: AtomicUsize,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be positive");
        let (tx, rx) = sync_channel(capacity);
        BoundedQueue { tx: Mutex::new(tx), rx: Mutex::new(rx), len: AtomicUsize::new(0) }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        let tx = self.tx.lock().unwrap().clone();
        tx.send(item).expect("receiver lives as long as the queue");
        self.len.fetch_add(1, Ordering::SeqCst);
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let item = self.rx.lock().unwrap().recv().expect("sender lives as long as the queue");
        self.len.fetch_sub(1, Ordering::SeqCst);
        item
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, mut item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        let tx = self.tx.lock().unwrap().clone();
        loop {
            match tx.try_send(item) {
                Ok(()) => {
                    self.len.fetch_add(1, Ordering::SeqCst);
                    return Ok(());
                }
                Err(TrySendError::Full(back)) | Err(TrySendError::Disconnected(back)) => {
                    item = back
                }
            }
            if Instant::now() >= deadline {
                return Err(item);
            }
            thread::yield_now();
        }
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let rx = self.rx.lock().unwrap();
        let item = if timeout.is_zero() { rx.try_recv().ok() } else { rx.recv_timeout(timeout).ok() };
        if item.is_some() {
            self.len.fetch_sub(1, Ordering::SeqCst);
        }
        item
    }

    /// How many items are inside right now.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
