//! Known wrong: offer and poll try once and give up at once, whatever the timeout.
//! Written blind: offer/poll only try once and ignore `timeout` (read "0 means only if it can be done right now" as the whole story, like `put_nowait`/`get_nowait`); room or an item that comes before the deadline is refused.
//! expect-fail: model-poll-timeout: before its timeout

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
        assert!(capacity > 0);
        BoundedQueue {
            items: Mutex::new(VecDeque::new()),
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
        items.push_back(item);
        self.not_empty.notify_one();
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut items = self.items.lock().unwrap();
        while items.is_empty() {
            items = self.not_empty.wait(items).unwrap();
        }
        let item = items.pop_front().unwrap();
        self.not_full.notify_one();
        item
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, _timeout: Duration) -> Result<(), T> {
        let mut items = self.items.lock().unwrap();
        if items.len() == self.capacity {
            return Err(item);
        }
        items.push_back(item);
        self.not_empty.notify_one();
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, _timeout: Duration) -> Option<T> {
        let mut items = self.items.lock().unwrap();
        let item = items.pop_front()?;
        self.not_full.notify_one();
        Some(item)
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
