//! Known wrong: helpers that each take the lock (is_full(), then push()) split the look from the change, and notify from outside it.
//! Written blind: small helpers that each lock on their own (`is_full()`, `push()`), Python-method style, so the check and the change happen under two different lock holds; two putters both see room (capacity + 1) and a notify can fall between a look and a sleep.
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
            items: Mutex::new(VecDeque::new()),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    fn is_full(&self) -> bool {
        self.items.lock().unwrap().len() >= self.capacity
    }

    fn push(&self, item: T) {
        self.items.lock().unwrap().push_back(item);
        self.not_empty.notify_one();
    }

    fn pop(&self) -> Option<T> {
        let item = self.items.lock().unwrap().pop_front();
        if item.is_some() {
            self.not_full.notify_one();
        }
        item
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        while self.is_full() {
            let guard = self.items.lock().unwrap();
            drop(self.not_full.wait(guard).unwrap());
        }
        self.push(item);
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        loop {
            if let Some(item) = self.pop() {
                return item;
            }
            let guard = self.items.lock().unwrap();
            drop(self.not_empty.wait(guard).unwrap());
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        while self.is_full() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(item);
            }
            let guard = self.items.lock().unwrap();
            drop(self.not_full.wait_timeout(guard, left).unwrap());
        }
        self.push(item);
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(item) = self.pop() {
                return Some(item);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let guard = self.items.lock().unwrap();
            drop(self.not_empty.wait_timeout(guard, left).unwrap());
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
