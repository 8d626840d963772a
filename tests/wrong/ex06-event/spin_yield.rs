//! Known wrong: waiters spin on an atomic flag with yield_now instead of sleeping on a Condvar.
//! expect-fail: waiting-sleeps: kept the CPU busy

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kata_sync::thread;
use kata_sync::time::Instant;

pub struct Event {
    set: AtomicBool,
    generation: AtomicU64,
}

impl Event {
    pub fn new() -> Self {
        Event { set: AtomicBool::new(false), generation: AtomicU64::new(0) }
    }

    pub fn set(&self) {
        if !self.set.swap(true, Ordering::SeqCst) {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub fn clear(&self) {
        self.set.store(false, Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    pub fn wait(&self) {
        let started = self.generation.load(Ordering::SeqCst);
        while !self.is_set() && self.generation.load(Ordering::SeqCst) == started {
            thread::yield_now();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let started = self.generation.load(Ordering::SeqCst);
        loop {
            if self.is_set() || self.generation.load(Ordering::SeqCst) != started {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::yield_now();
        }
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
