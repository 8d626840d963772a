//! Known right: a ring buffer with counts of waiters, notifying only when someone waits.
//! Written blind: right: a fixed ring buffer of Option<T> slots (head + len), counts of sleeping putters/takers kept under the lock, notify_one only when someone sleeps, and the notify sent after the guard is dropped.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

struct Ring<T> {
    slots: Vec<Option<T>>,
    head: usize,
    len: usize,
    putters_asleep: usize,
    takers_asleep: usize,
}

impl<T> Ring<T> {
    fn is_full(&self) -> bool {
        self.len == self.slots.len()
    }
    fn push(&mut self, item: T) {
        let cap = self.slots.len();
        let tail = (self.head + self.len) % cap;
        debug_assert!(self.slots[tail].is_none());
        self.slots[tail] = Some(item);
        self.len += 1;
    }
    fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let item = self.slots[self.head].take();
        self.head = (self.head + 1) % self.slots.len();
        self.len -= 1;
        item
    }
}

/// A first-in first-out queue of at most `capacity` items.
pub struct BoundedQueue<T> {
    ring: Mutex<Ring<T>>,
    room: Condvar,
    item: Condvar,
}

enum Deadline {
    Never,
    At(Instant),
}

impl Deadline {
    fn after(timeout: Duration) -> Deadline {
        match Instant::now().checked_add(timeout) {
            Some(at) => Deadline::At(at),
            None => Deadline::Never,
        }
    }
    fn left(&self) -> Option<Duration> {
        match self {
            Deadline::Never => Some(Duration::MAX),
            Deadline::At(at) => {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    None
                } else {
                    Some(left)
                }
            }
        }
    }
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    /// If `capacity` is 0.
    pub fn new(capacity: usize) -> Self {
        assert_ne!(capacity, 0, "capacity 0 is refused");
        let mut slots = Vec::with_capacity(capacity);
        slots.resize_with(capacity, || None);
        BoundedQueue {
            ring: Mutex::new(Ring { slots, head: 0, len: 0, putters_asleep: 0, takers_asleep: 0 }),
            room: Condvar::new(),
            item: Condvar::new(),
        }
    }

    fn pushed(&self, ring: MutexGuard<'_, Ring<T>>) {
        let wake = ring.takers_asleep > 0;
        drop(ring);
        if wake {
            self.item.notify_one();
        }
    }

    fn popped(&self, ring: MutexGuard<'_, Ring<T>>) {
        let wake = ring.putters_asleep > 0;
        drop(ring);
        if wake {
            self.room.notify_one();
        }
    }

    /// Adds `item` at the back, blocking (asleep) while the queue is full.
    pub fn put(&self, item: T) {
        let mut ring = self.ring.lock().unwrap();
        while ring.is_full() {
            ring.putters_asleep += 1;
            ring = self.room.wait(ring).unwrap();
            ring.putters_asleep -= 1;
        }
        ring.push(item);
        self.pushed(ring);
    }

    /// Removes and returns the item at the front, blocking while empty.
    pub fn take(&self) -> T {
        let mut ring = self.ring.lock().unwrap();
        loop {
            if let Some(item) = ring.pop() {
                self.popped(ring);
                return item;
            }
            ring.takers_asleep += 1;
            ring = self.item.wait(ring).unwrap();
            ring.takers_asleep -= 1;
        }
    }

    /// `put`, waiting at most `timeout` for room.
    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        let deadline = Deadline::after(timeout);
        let mut ring = self.ring.lock().unwrap();
        loop {
            if !ring.is_full() {
                ring.push(item);
                self.pushed(ring);
                return Ok(());
            }
            let Some(left) = deadline.left() else {
                return Err(item);
            };
            ring.putters_asleep += 1;
            ring = self.room.wait_timeout(ring, left).unwrap().0;
            ring.putters_asleep -= 1;
        }
    }

    /// `take`, waiting at most `timeout` for an item.
    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Deadline::after(timeout);
        let mut ring = self.ring.lock().unwrap();
        loop {
            if let Some(item) = ring.pop() {
                self.popped(ring);
                return Some(item);
            }
            let left = deadline.left()?;
            ring.takers_asleep += 1;
            ring = self.item.wait_timeout(ring, left).unwrap().0;
            ring.takers_asleep -= 1;
        }
    }

    /// How many items are inside right now.
    pub fn len(&self) -> usize {
        self.ring.lock().unwrap().len
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
