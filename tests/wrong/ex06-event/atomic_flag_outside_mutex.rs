//! Known wrong: the flag is an `AtomicBool` beside the condvar, checked outside its mutex: a set between the check and the sleep is lost.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-no-lost-wake-up: the wake-up was lost (the flag changed or was checked outside the mutex

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicBool, Ordering};
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Event {
    flag: AtomicBool,
    // The condvar needs a mutex, but the flag is atomic so it guards nothing.
    sleep: Mutex<()>,
    cv: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event {
            flag: AtomicBool::new(false),
            sleep: Mutex::new(()),
            cv: Condvar::new(),
        }
    }

    pub fn set(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.cv.notify_all();
    }

    pub fn clear(&self) {
        self.flag.store(false, Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    pub fn wait(&self) {
        while !self.flag.load(Ordering::SeqCst) {
            let guard = self.sleep.lock().unwrap();
            drop(self.cv.wait(guard).unwrap());
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !self.flag.load(Ordering::SeqCst) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let guard = self.sleep.lock().unwrap();
            drop(self.cv.wait_timeout(guard, left).unwrap());
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
