//! Known right: one condvar for both sides, notify_all after every change.
//! Written blind: right: one Condvar shared by putters and takers, notify_all after every change, waits through Condvar::wait_while / wait_timeout_while.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use std::collections::VecDeque;

struct State<T> {
    items: VecDeque<T>,
    capacity: usize,
}

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    /// If `capacity` is 0.
    pub fn new(capacity: usize) -> Self {
        if capacity == 0 {
            panic!("a BoundedQueue needs room for at least one item");
        }
        BoundedQueue {
            state: Mutex::new(State { items: VecDeque::new(), capacity }),
            changed: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking (asleep) while the queue is full.
    pub fn put(&self, item: T) {
        let guard = self.state.lock().unwrap();
        let mut state = self
            .changed
            .wait_while(guard, |s| s.items.len() == s.capacity)
            .unwrap();
        state.items.push_back(item);
        self.changed.notify_all();
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let guard = self.state.lock().unwrap();
        let mut state = self.changed.wait_while(guard, |s| s.items.is_empty()).unwrap();
        let item = state.items.pop_front().expect("woken with an item");
        self.changed.notify_all();
        item
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let guard = self.state.lock().unwrap();
        let (mut state, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.items.len() == s.capacity)
            .unwrap();
        // the queue first, whatever the clock says
        if state.items.len() < state.capacity {
            state.items.push_back(item);
            self.changed.notify_all();
            Ok(())
        } else {
            Err(item)
        }
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let guard = self.state.lock().unwrap();
        let (mut state, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.items.is_empty())
            .unwrap();
        let item = state.items.pop_front();
        if item.is_some() {
            self.changed.notify_all();
        }
        item
    }

    /// How many items are inside right now.
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().items.len()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
