//! Known wrong: after each wake-up poll and offer wait their whole timeout again.
//! Written blind: offer/poll wait the whole `timeout` again after every wake-up (`wait_timeout(guard, timeout)` in the loop, stop on `timed_out()`), the usual misreading of wait_timeout; a spurious wake-up restarts the clock and the call gives up late.
//! expect-fail: model-poll-timeout: waited the whole timeout again
//! expect-fail: model-offer-timeout: waited the whole timeout again

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
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            let (guard, result) = self.not_full.wait_timeout(items, timeout).unwrap();
            items = guard;
            if result.timed_out() && items.len() == self.capacity {
                return Err(item);
            }
        }
        items.push_back(item);
        self.not_empty.notify_one();
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let mut items = self.items.lock().unwrap();
        while items.is_empty() {
            let (guard, result) = self.not_empty.wait_timeout(items, timeout).unwrap();
            items = guard;
            if result.timed_out() && items.is_empty() {
                return None;
            }
        }
        let item = items.pop_front();
        self.not_full.notify_one();
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
