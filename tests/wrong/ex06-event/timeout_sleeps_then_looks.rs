//! Known wrong: wait_timeout sleeps its whole timeout with thread::sleep and then looks, so a set does not release it.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: timeout-honoured: a set must wake a thread in wait_timeout at once

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

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
        let start = {
            let state = self.state.lock().unwrap();
            if state.set {
                return true;
            }
            state.generation
        };
        // Give set() the whole timeout to happen, then see whether it did.
        thread::sleep(timeout);
        let state = self.state.lock().unwrap();
        state.set || state.generation != start
    }}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
