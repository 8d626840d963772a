//! Known wrong: after each wake-up poll and offer look at the clock before the queue: an item that came just as the time ran out is left behind.
//! Written blind: after each wake-up offer/poll look at the clock first ("if wait_timeout says timed_out, give up"), then at the queue; the room or item that came just as the time ran out is refused, and the notify_one spent on this thread is lost.
//! expect-fail: model-poll-timeout: trusted the clock
//! expect-fail: model-offer-timeout: trusted the c

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
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            let left = deadline.saturating_duration_since(Instant::now());
            let (guard, result) = self.not_full.wait_timeout(items, left).unwrap();
            if result.timed_out() || Instant::now() >= deadline {
                return Err(item);
            }
            items = guard;
        }
        items.push_back(item);
        self.not_empty.notify_one();
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        while items.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            let (guard, result) = self.not_empty.wait_timeout(items, left).unwrap();
            if result.timed_out() || Instant::now() >= deadline {
                return None;
            }
            items = guard;
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
