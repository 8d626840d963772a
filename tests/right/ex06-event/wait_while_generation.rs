//! Known right: a generation counter, waited on with `wait_while` and `wait_timeout_while` instead of hand-written loops.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};

#[derive(Default)]
struct Flag {
    up: bool,
    sets: u64,
}

#[derive(Default)]
pub struct Event {
    flag: Mutex<Flag>,
    cv: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&self) {
        let mut flag = self.flag.lock().unwrap();
        if !flag.up {
            flag.up = true;
            flag.sets = flag.sets.wrapping_add(1);
        }
        self.cv.notify_all();
    }

    pub fn clear(&self) {
        self.flag.lock().unwrap().up = false;
    }

    pub fn is_set(&self) -> bool {
        self.flag.lock().unwrap().up
    }

    pub fn wait(&self) {
        let flag = self.flag.lock().unwrap();
        let start = flag.sets;
        drop(
            self.cv
                .wait_while(flag, |f| !f.up && f.sets == start)
                .unwrap(),
        );
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let flag = self.flag.lock().unwrap();
        let start = flag.sets;
        let (flag, _) = self
            .cv
            .wait_timeout_while(flag, timeout, |f| !f.up && f.sets == start)
            .unwrap();
        flag.up || flag.sets != start
    }
}
