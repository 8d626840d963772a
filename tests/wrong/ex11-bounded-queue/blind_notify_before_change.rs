//! Known wrong: notifies the other side before changing the queue, and changes it after letting the lock go: the notify falls between a waiter's look and its sleep.
//! Written blind: the notify goes first, before the lock is taken and the queue changed ("wake the other side early so it is ready"); it can land between a waiter's look and its sleep, and the change that follows wakes nobody.
//! expect-fail: model-no-lost-wake-up: a thread slept for ever in put() or take()
//! expect-fail: take-blocks-asleep: a lost wake-up?

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

    fn wait_room(&self) -> kata_sync::sync::MutexGuard<'_, VecDeque<T>> {
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        self.not_empty.notify_one();
        let mut items = self.wait_room();
        items.push_back(item);
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        self.not_full.notify_one();
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                return item;
            }
            items = self.not_empty.wait(items).unwrap();
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        self.not_empty.notify_one();
        let mut items = self.items.lock().unwrap();
        loop {
            if items.len() < self.capacity {
                items.push_back(item);
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
        self.not_full.notify_one();
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
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
