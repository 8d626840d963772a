//! Known wrong: wait_timeout waits the full timeout again after every wake-up that is not a time-out.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-timeout-on-time: waited the whole timeout again

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
        let mut state = self.state.lock().unwrap();
        let start = state.generation;
        while !state.set && state.generation == start {
            let (next, result) = self.cv.wait_timeout(state, timeout).unwrap();
            state = next;
            if result.timed_out() && !state.set && state.generation == start {
                return false;
            }
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
