//! Known wrong: `wait_timeout` does not wait at all: it answers whether the flag is up right now.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: timeout-honoured: before its timeout

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};

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
        // Nobody should block for long: report the flag and let the caller retry.
        let _ = timeout;
        self.is_set()
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
