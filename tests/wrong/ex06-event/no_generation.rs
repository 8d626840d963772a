//! Known wrong: the waiter loops on the flag alone, so a set followed at once by a clear leaves it asleep.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-set-then-clear: Keep a count of the sets beside the flag

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

pub struct Event {
    flag: Mutex<bool>,
    cv: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            cv: Condvar::new(),
        }
    }

    pub fn set(&self) {
        let mut flag = self.flag.lock().unwrap();
        *flag = true;
        self.cv.notify_all();
    }

    pub fn clear(&self) {
        *self.flag.lock().unwrap() = false;
    }

    pub fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    pub fn wait(&self) {
        let mut flag = self.flag.lock().unwrap();
        while !*flag {
            flag = self.cv.wait(flag).unwrap();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut flag = self.flag.lock().unwrap();
        while !*flag {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            flag = self.cv.wait_timeout(flag, left).unwrap().0;
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
