//! Known wrong: waits while len() > capacity, so the queue holds capacity + 1.
//! Written blind: `wait_while(|q| q.len() > capacity)`, "wait while it's over capacity", an off-by-one between "full" and "overfull"; a put on a full queue walks in and capacity + 1 items sit inside.
//! expect-fail: one-thread: offer let a 4th item into a queue of capacity 3
//! expect-fail: model-wait-in-a-loop: a putter left its wait with the queue full

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use std::collections::VecDeque;

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity >= 1);
        BoundedQueue {
            items: Mutex::new(VecDeque::new()),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        let cap = self.capacity;
        let guard = self.items.lock().unwrap();
        let mut items = self.not_full.wait_while(guard, |q| q.len() > cap).unwrap();
        items.push_back(item);
        self.not_empty.notify_one();
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let guard = self.items.lock().unwrap();
        let mut items = self.not_empty.wait_while(guard, |q| q.is_empty()).unwrap();
        let item = items.pop_front().unwrap();
        self.not_full.notify_one();
        item
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let cap = self.capacity;
        let guard = self.items.lock().unwrap();
        let (mut items, _) =
            self.not_full.wait_timeout_while(guard, timeout, |q| q.len() > cap).unwrap();
        if items.len() > cap {
            return Err(item);
        }
        items.push_back(item);
        self.not_empty.notify_one();
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let guard = self.items.lock().unwrap();
        let (mut items, _) =
            self.not_empty.wait_timeout_while(guard, timeout, |q| q.is_empty()).unwrap();
        let item = items.pop_front();
        if item.is_some() {
            self.not_full.notify_one();
        }
        item
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
