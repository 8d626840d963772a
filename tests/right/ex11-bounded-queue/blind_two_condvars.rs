//! Known right: two condvars, a deadline fixed once, the queue looked at before the clock.
//! Written blind: right: Mutex<VecDeque> + two Condvars (not_full / not_empty), notify_one under the lock, deadline fixed once with checked_add, queue looked at before the clock.

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

fn left(deadline: Option<Instant>) -> Duration {
    match deadline {
        Some(d) => d.saturating_duration_since(Instant::now()),
        // now + timeout does not fit: wait as good as for ever
        None => Duration::MAX,
    }
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    /// If `capacity` is 0.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "BoundedQueue::new: capacity must be at least 1");
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking (asleep) while the queue is full.
    pub fn put(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        while items.len() >= self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push_back(item);
        self.not_empty.notify_one();
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                self.not_full.notify_one();
                return item;
            }
            items = self.not_empty.wait(items).unwrap();
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut items = self.items.lock().unwrap();
        loop {
            if items.len() < self.capacity {
                items.push_back(item);
                self.not_empty.notify_one();
                return Ok(());
            }
            let left = left(deadline);
            if left.is_zero() {
                return Err(item);
            }
            items = self.not_full.wait_timeout(items, left).unwrap().0;
        }
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                self.not_full.notify_one();
                return Some(item);
            }
            let left = left(deadline);
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
