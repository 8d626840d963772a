//! Known wrong: `if` instead of `while` around `Condvar::wait`, so any wake-up counts as a set.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-no-lost-wake-up: though a set() came long before its timeout

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};

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
        *self.flag.lock().unwrap() = true;
        self.cv.notify_all();
    }

    pub fn clear(&self) {
        *self.flag.lock().unwrap() = false;
    }

    pub fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    pub fn wait(&self) {
        let flag = self.flag.lock().unwrap();
        // Woken means someone called set(), so a set+clear is still a release.
        if !*flag {
            let _flag = self.cv.wait(flag).unwrap();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let flag = self.flag.lock().unwrap();
        if *flag {
            return true;
        }
        let (_flag, result) = self.cv.wait_timeout(flag, timeout).unwrap();
        !result.timed_out()
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
