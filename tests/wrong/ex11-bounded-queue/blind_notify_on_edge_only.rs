//! Known wrong: notifies only when the queue leaves empty (or full): with two takers asleep, two puts in a row wake one.
//! Written blind: notify only when the queue leaves empty / leaves full ("only then can anyone be waiting"), an optimisation from a blog post; two takers asleep, two quick puts, the second push sees an item already there and wakes nobody.
//! expect-fail: model-no-lost-wake-up: a thread slept for ever in put() or take()

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;
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
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    fn push_locked(&self, items: &mut VecDeque<T>, item: T) {
        let was_empty = items.is_empty();
        items.push_back(item);
        if was_empty {
            // only a taker of an empty queue can be asleep
            self.not_empty.notify_one();
        }
    }

    fn pop_locked(&self, items: &mut VecDeque<T>) -> Option<T> {
        let was_full = items.len() == self.capacity;
        let item = items.pop_front();
        if item.is_some() && was_full {
            // only a putter of a full queue can be asleep
            self.not_full.notify_one();
        }
        item
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        self.push_locked(&mut items, item);
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = self.pop_locked(&mut items) {
                return item;
            }
            items = self.not_empty.wait(items).unwrap();
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(item);
            }
            items = self.not_full.wait_timeout(items, left).unwrap().0;
        }
        self.push_locked(&mut items, item);
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = self.pop_locked(&mut items) {
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
