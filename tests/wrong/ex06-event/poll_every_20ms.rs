//! Known wrong: wait polls the flag every 20 ms with thread::sleep: cheap on CPU, late to notice a set.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-set-then-clear: a waiter called thread::sleep

use std::time::Duration;

use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Instant;

const POLL: Duration = Duration::from_millis(20);

#[derive(Clone, Copy)]
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

    fn read(&self) -> State {
        *self.state.lock().unwrap()
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
        self.read().set
    }

    pub fn wait(&self) {
        let start = self.read().generation;
        loop {
            let now = self.read();
            if now.set || now.generation != start {
                return;
            }
            thread::sleep(POLL);
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let start = self.read().generation;
        loop {
            let now = self.read();
            if now.set || now.generation != start {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(POLL);
        }
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
