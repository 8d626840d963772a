//! Known right: a generation counter with two condvars, one for `wait` and one for `wait_timeout`, both notified by `set`.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Instant;

struct State {
    up: bool,
    sets: u64,
}

impl State {
    fn released_since(&self, start: u64) -> bool {
        self.up || self.sets != start
    }
}

pub struct Event {
    state: Mutex<State>,
    /// Threads in `wait`, which sleep with no deadline.
    forever: Condvar,
    /// Threads in `wait_timeout`.
    timed: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event {
            state: Mutex::new(State { up: false, sets: 0 }),
            forever: Condvar::new(),
            timed: Condvar::new(),
        }
    }

    pub fn set(&self) {
        {
            let mut state = self.state.lock().unwrap();
            if state.up {
                return;
            }
            state.up = true;
            state.sets += 1;
        }
        self.forever.notify_all();
        self.timed.notify_all();
    }

    pub fn clear(&self) {
        self.state.lock().unwrap().up = false;
    }

    pub fn is_set(&self) -> bool {
        self.state.lock().unwrap().up
    }

    pub fn wait(&self) {
        let mut state = self.state.lock().unwrap();
        let start = state.sets;
        while !state.released_since(start) {
            state = self.forever.wait(state).unwrap();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let started = Instant::now();
        let mut state = self.state.lock().unwrap();
        let start = state.sets;
        loop {
            if state.released_since(start) {
                return true;
            }
            let waited = started.elapsed();
            if waited >= timeout {
                return false;
            }
            state = self.timed.wait_timeout(state, timeout - waited).unwrap().0;
        }
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
