//! Known wrong: a second mutex lets only one thread wait at a time, held across the condvar wait: the others queue behind it, past their timeouts and past a set that was cleared.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: linearizable: did not finish
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
    /// Only one waiter on the condvar at a time, to keep wake-ups simple.
    turn: Mutex<()>,
}

impl Event {
    pub fn new() -> Self {
        Event {
            state: Mutex::new(State {
                set: false,
                generation: 0,
            }),
            cv: Condvar::new(),
            turn: Mutex::new(()),
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
        let _turn = self.turn.lock().unwrap();
        let mut state = self.state.lock().unwrap();
        let start = state.generation;
        while !state.set && state.generation == start {
            state = self.cv.wait(state).unwrap();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let _turn = self.turn.lock().unwrap();
        let mut state = self.state.lock().unwrap();
        let start = state.generation;
        while !state.set && state.generation == start {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self.cv.wait_timeout(state, left).unwrap().0;
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
