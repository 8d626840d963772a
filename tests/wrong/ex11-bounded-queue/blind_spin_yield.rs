//! Known wrong: put and take spin with yield_now instead of sleeping on a condvar.
//! Written blind: no Condvar at all, put/take retry a non-blocking attempt with `yield_now` ("Condvars are scary, a loop is obviously correct"); correct results, but a waiting thread burns a whole core.
//! expect-fail: take-blocks-asleep: kept the CPU busy while it waited
//! expect-fail: model-poll-timeout: looped without ever blocking

use std::time::Duration;

use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Instant;
use std::collections::VecDeque;

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity 0");
        BoundedQueue { items: Mutex::new(VecDeque::new()), capacity }
    }

    fn try_put(&self, item: T) -> Result<(), T> {
        let mut items = self.items.lock().unwrap();
        if items.len() < self.capacity {
            items.push_back(item);
            Ok(())
        } else {
            Err(item)
        }
    }

    fn try_take(&self) -> Option<T> {
        self.items.lock().unwrap().pop_front()
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, mut item: T) {
        loop {
            match self.try_put(item) {
                Ok(()) => return,
                Err(back) => item = back,
            }
            thread::yield_now();
        }
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        loop {
            if let Some(item) = self.try_take() {
                return item;
            }
            thread::yield_now();
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, mut item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.try_put(item) {
                Ok(()) => return Ok(()),
                Err(back) => item = back,
            }
            if Instant::now() >= deadline {
                return Err(item);
            }
            thread::yield_now();
        }
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(item) = self.try_take() {
                return Some(item);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::yield_now();
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
