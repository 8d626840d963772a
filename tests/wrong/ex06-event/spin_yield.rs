//! Known wrong: waiting spins on the flag with `yield_now`, burning a core while nobody sets the event.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: waiting-sleeps: kept the CPU busy while it waited

use std::time::Duration;

use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Instant;

struct State {
    set: bool,
    generation: u64,
}

pub struct Event {
    state: Mutex<State>,
}

impl Event {
    pub fn new() -> Self {
        Event {
            state: Mutex::new(State {
                set: false,
                generation: 0,
            }),
        }
    }

    pub fn set(&self) {
        let mut state = self.state.lock().unwrap();
        if !state.set {
            state.set = true;
            state.generation += 1;
        }
    }

    pub fn clear(&self) {
        self.state.lock().unwrap().set = false;
    }

    pub fn is_set(&self) -> bool {
        self.state.lock().unwrap().set
    }

    /// Whether a set happened since `start`, or the flag is up.
    fn released(&self, start: u64) -> bool {
        let state = self.state.lock().unwrap();
        state.set || state.generation != start
    }

    fn generation(&self) -> u64 {
        self.state.lock().unwrap().generation
    }

    pub fn wait(&self) {
        let start = self.generation();
        while !self.released(start) {
            thread::yield_now();
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let start = self.generation();
        while !self.released(start) {
            if Instant::now() >= deadline {
                return false;
            }
            thread::yield_now();
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
