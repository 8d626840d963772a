//! Known wrong: an atomic length read outside the lock decides whether to wait and whether to notify: a notify is skipped while a waiter is between its check and its sleep.
//! Written blind: an AtomicUsize count checked *before* taking the lock as a fast path ("no need to lock just to see it is empty"), then an unconditional wait; a put that lands between the check and the wait is never heard (lost wake-up).
//! expect-fail: model-no-lost-wake-up: a thread slept for ever in put() or take()

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;
use std::collections::VecDeque;

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    count: AtomicUsize,
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
            count: AtomicUsize::new(0),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        loop {
            if self.count.load(Ordering::SeqCst) == self.capacity {
                // full: sleep until a take says there is room
                let items = self.items.lock().unwrap();
                drop(self.not_full.wait(items).unwrap());
                continue;
            }
            let mut items = self.items.lock().unwrap();
            if items.len() < self.capacity {
                items.push_back(item);
                self.count.fetch_add(1, Ordering::SeqCst);
                self.not_empty.notify_one();
                return;
            }
        }
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        loop {
            if self.count.load(Ordering::SeqCst) == 0 {
                let items = self.items.lock().unwrap();
                drop(self.not_empty.wait(items).unwrap());
                continue;
            }
            let mut items = self.items.lock().unwrap();
            if let Some(item) = items.pop_front() {
                self.count.fetch_sub(1, Ordering::SeqCst);
                self.not_full.notify_one();
                return item;
            }
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        loop {
            if items.len() < self.capacity {
                items.push_back(item);
                self.count.fetch_add(1, Ordering::SeqCst);
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
            if let Some(item) = items.pop_front() {
                self.count.fetch_sub(1, Ordering::SeqCst);
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
        self.count.load(Ordering::SeqCst)
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
