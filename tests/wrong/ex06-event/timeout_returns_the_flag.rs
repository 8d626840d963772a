//! Known wrong: wait_timeout stops on a set but returns the flag, so a set followed by a clear says false.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-set-then-clear: a set must release a thread in wait_timeout too

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
            if left.is_zero() {
                break;
            }
            state = self.cv.wait_timeout(state, left).unwrap().0;
        }
        // Whether the event is set is the answer.
        state.set
    }}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
