//! Known wrong: `wait_timeout` returns `!timed_out()` after one condvar wait, so a spurious wake-up passes for a set.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-linearizable: No order of these calls

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
        let state = self.state.lock().unwrap();
        if state.set {
            return true;
        }
        // The condvar tells us whether we were notified or ran out of time.
        let (_state, result) = self.cv.wait_timeout(state, timeout).unwrap();
        !result.timed_out()
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
