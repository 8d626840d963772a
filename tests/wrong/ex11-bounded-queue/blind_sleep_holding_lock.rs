//! Known wrong: waits by sleeping 1 ms in a loop with the lock held: the other side can never get in.
//! Written blind: put/take poll the queue with a short `thread::sleep` but keep the guard across the sleep ("take the lock once, for the whole operation"); no taker can ever get in to make room, and len()/poll(0) hang while a put waits.
//! expect-fail: put-blocks-asleep: the waiting thread keeps the lock
//! expect-fail: model-no-lost-wake-up: looped without ever blocking

use std::time::Duration;

use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Instant;
use std::collections::VecDeque;

const NAP: Duration = Duration::from_millis(1);

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0);
        BoundedQueue { items: Mutex::new(VecDeque::new()), capacity }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        while items.len() >= self.capacity {
            thread::sleep(NAP);
        }
        items.push_back(item);
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                return item;
            }
            thread::sleep(NAP);
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        while items.len() >= self.capacity {
            if Instant::now() >= deadline {
                return Err(item);
            }
            thread::sleep(NAP);
        }
        items.push_back(item);
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                return Some(item);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(NAP);
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
