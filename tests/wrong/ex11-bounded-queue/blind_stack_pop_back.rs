//! Known wrong: pops the back of the VecDeque: the newest item comes out first.
//! Written blind: a Vec used as the queue (push + pop), Python's `list.append` / `list.pop()` habit; everything arrives, newest first: a stack, not FIFO.
//! expect-fail: one-thread: items come out oldest first
//! expect-fail: model-no-lost-wake-up: though they were put the other way round

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    items: Mutex<Vec<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be > 0");
        BoundedQueue {
            items: Mutex::new(Vec::with_capacity(capacity)),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push(item);
        self.not_empty.notify_one();
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop() {
                self.not_full.notify_one();
                return item;
            }
            items = self.not_empty.wait(items).unwrap();
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        loop {
            if items.len() < self.capacity {
                items.push(item);
                self.not_empty.notify_one();
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(item);
            }
            items = self.not_full.wait_timeout(items, left).unwrap().0;
        }
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop() {
                self.not_full.notify_one();
                return Some(item);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            items = self.not_empty.wait_timeout(items, left).unwrap().0;
        }
    }

    /// How many items are inside right now.
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
