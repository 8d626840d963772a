//! Known wrong: wait_timeout waits the whole timeout again after every wake-up, so spurious wake-ups stretch it.
//! expect-fail: model-timeout-on-time: waited the whole timeout again

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};

pub struct Event {
    state: Mutex<(bool, u64)>,
    changed: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event { state: Mutex::new((false, 0)), changed: Condvar::new() }
    }

    pub fn set(&self) {
        let mut state = self.state.lock().unwrap();
        if !state.0 {
            *state = (true, state.1 + 1);
            self.changed.notify_all();
        }
    }

    pub fn clear(&self) {
        self.state.lock().unwrap().0 = false;
    }

    pub fn is_set(&self) -> bool {
        self.state.lock().unwrap().0
    }

    pub fn wait(&self) {
        let mut state = self.state.lock().unwrap();
        let started = state.1;
        while !state.0 && state.1 == started {
            state = self.changed.wait(state).unwrap();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let mut state = self.state.lock().unwrap();
        let started = state.1;
        while !state.0 && state.1 == started {
            // Each turn waits the full timeout: only a wake-up with nothing
            // new ends the wait.
            let (next, result) = self.changed.wait_timeout(state, timeout).unwrap();
            state = next;
            if result.timed_out() {
                return state.0 || state.1 != started;
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
