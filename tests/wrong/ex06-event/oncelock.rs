//! Known wrong: a `std::sync::OnceLock` per round, waited on with `OnceLock::wait`: past the facade, and `wait_timeout` polls.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: lint-race: the model checker cannot see std's OnceLock

use std::sync::OnceLock;
use std::time::Duration;

use kata_sync::sync::{Arc, Mutex};
use kata_sync::thread;
use kata_sync::time::Instant;

pub struct Event {
    round: Mutex<Arc<OnceLock<()>>>,
}

impl Event {
    pub fn new() -> Self {
        Event {
            round: Mutex::new(Arc::new(OnceLock::new())),
        }
    }

    fn current(&self) -> Arc<OnceLock<()>> {
        Arc::clone(&self.round.lock().unwrap())
    }

    pub fn set(&self) {
        let _ = self.round.lock().unwrap().set(());
    }

    pub fn clear(&self) {
        let mut round = self.round.lock().unwrap();
        if round.get().is_some() {
            *round = Arc::new(OnceLock::new());
        }
    }

    pub fn is_set(&self) -> bool {
        self.round.lock().unwrap().get().is_some()
    }

    pub fn wait(&self) {
        self.current().wait();
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let round = self.current();
        while round.get().is_none() {
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(1));
        }
        true
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
