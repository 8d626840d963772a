//! Known wrong: takes any wake-up of a timed wait for the timeout: a spurious one ends poll and offer early.
//! Written blind: offer/poll wait once (`if full { wait_timeout(timeout) }`) and then decide, the Python `Condition.wait(timeout)` one-shot habit; a spurious or stolen wake-up before the deadline makes them give up early.
//! expect-fail: model-poll-timeout: a spurious wake-up ended the wait
//! expect-fail: model-offer-timeout: a spurious wake-up ended the wait

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use std::collections::VecDeque;

struct State<T> {
    buf: VecDeque<T>,
    max: usize,
}

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    state: Mutex<State<T>>,
    room: Condvar,
    ready: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1");
        BoundedQueue {
            state: Mutex::new(State { buf: VecDeque::new(), max: capacity }),
            room: Condvar::new(),
            ready: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn put(&self, item: T) {
        let mut s = self.state.lock().unwrap();
        while s.buf.len() == s.max {
            s = self.room.wait(s).unwrap();
        }
        s.buf.push_back(item);
        self.ready.notify_one();
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut s = self.state.lock().unwrap();
        while s.buf.is_empty() {
            s = self.ready.wait(s).unwrap();
        }
        let item = s.buf.pop_front().unwrap();
        self.room.notify_one();
        item
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let mut s = self.state.lock().unwrap();
        if s.buf.len() == s.max {
            s = self.room.wait_timeout(s, timeout).unwrap().0;
        }
        if s.buf.len() == s.max {
            return Err(item);
        }
        s.buf.push_back(item);
        self.ready.notify_one();
        Ok(())
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let mut s = self.state.lock().unwrap();
        if s.buf.is_empty() {
            s = self.ready.wait_timeout(s, timeout).unwrap().0;
        }
        let item = s.buf.pop_front()?;
        self.room.notify_one();
        Some(item)
    }

    /// How many items are inside right now.
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().buf.len()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
