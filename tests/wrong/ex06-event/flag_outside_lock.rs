//! Known wrong: the flag is an atomic beside the Condvar, set without the mutex, so a set() between a waiter's look and its sleep is lost.
//! expect-fail: model-no-lost-wake-up: the wake-up was lost

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicBool, Ordering};
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Event {
    set: AtomicBool,
    lock: Mutex<()>,
    changed: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event { set: AtomicBool::new(false), lock: Mutex::new(()), changed: Condvar::new() }
    }

    pub fn set(&self) {
        // No lock: the store and the notify can fall between a waiter's
        // check and its wait.
        self.set.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    pub fn clear(&self) {
        self.set.store(false, Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    pub fn wait(&self) {
        let mut guard = self.lock.lock().unwrap();
        while !self.is_set() {
            guard = self.changed.wait(guard).unwrap();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut guard = self.lock.lock().unwrap();
        while !self.is_set() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            guard = self.changed.wait_timeout(guard, left).unwrap().0;
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
