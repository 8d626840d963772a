//! Known wrong: wait_timeout returns false as soon as timed_out() says so, without looking at the state.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-set-then-clear: though a set() came long before its timeout

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
        let start = state.generation;
        while !state.set && state.generation == start {
            state = self.cv.wait(state).unwrap();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().unwrap();
        let start = state.generation;
        while !state.set && state.generation == start {
            let left = deadline.saturating_duration_since(Instant::now());
            let (next, result) = self.cv.wait_timeout(state, left).unwrap();
            if result.timed_out() {
                return false;
            }
            state = next;
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
