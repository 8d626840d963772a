//! Known wrong: an auto-reset event: the first waiter to leave lowers the flag again, so one set releases only one waiter.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-no-lost-wake-up: though a set() came long before its timeout

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

struct State {
    set: bool,
    generation: u64,
}

pub struct Event {
    state: Mutex<State>,
    cv: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event {
            state: Mutex::new(State {
                set: false,
                generation: 0,
            }),
            cv: Condvar::new(),
        }
    }

    pub fn set(&self) {
        let mut state = self.state.lock().unwrap();
        if !state.set {
            state.set = true;
            state.generation += 1;
            self.cv.notify_all();
        }
    }

    pub fn clear(&self) {
        self.state.lock().unwrap().set = false;
    }

    pub fn is_set(&self) -> bool {
        self.state.lock().unwrap().set
    }

    pub fn wait(&self) {
        let mut state = self.state.lock().unwrap();
        while !state.set {
            state = self.cv.wait(state).unwrap();
        }
        // Consume the set, so the next wait blocks until the next set.
        state.set = false;
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().unwrap();
        while !state.set {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self.cv.wait_timeout(state, left).unwrap().0;
        }
        state.set = false;
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
