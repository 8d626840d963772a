//! Known wrong: putters and takers on one condvar with notify_one: a taker can wake a taker while the putter sleeps.
//! Written blind: one Condvar for both sides with notify_one ("one item, wake one thread"), the Python `Condition` written once; a taker's notify wakes another taker instead of the sleeping putter, and everyone sleeps (deadlock).
//! expect-fail: model-wait-in-a-loop: a thread slept for ever in put() or take()

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;
use std::collections::VecDeque;

struct Inner<T> {
    q: VecDeque<T>,
    cap: usize,
}

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    inner: Mutex<Inner<T>>,
    cond: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity != 0, "capacity must be positive");
        BoundedQueue { inner: Mutex::new(Inner { q: VecDeque::new(), cap: capacity }), cond: Condvar::new() }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        let mut g = self.inner.lock().unwrap();
        while g.q.len() == g.cap {
            g = self.cond.wait(g).unwrap();
        }
        g.q.push_back(item);
        self.cond.notify_one();
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut g = self.inner.lock().unwrap();
        while g.q.is_empty() {
            g = self.cond.wait(g).unwrap();
        }
        let item = g.q.pop_front().unwrap();
        self.cond.notify_one();
        item
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        let mut g = self.inner.lock().unwrap();
        loop {
            if g.q.len() < g.cap {
                g.q.push_back(item);
                self.cond.notify_one();
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(item);
            }
            g = self.cond.wait_timeout(g, deadline - now).unwrap().0;
        }
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut g = self.inner.lock().unwrap();
        loop {
            if let Some(item) = g.q.pop_front() {
                self.cond.notify_one();
                return Some(item);
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            g = self.cond.wait_timeout(g, deadline - now).unwrap().0;
        }
    }

    /// How many items are inside right now.
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap().q.len()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
