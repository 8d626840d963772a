//! Known right: one counter under the mutex, odd meaning set; a waiter leaves once it moves.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

/// A flag that threads can wait for. The whole state is one counter: it is
/// odd while the flag is up, and every `set` or `clear` that changes the
/// flag moves it on by one. A waiter that saw an even value is released by
/// the very next change, which can only be a `set`.
pub struct Event {
    changes: Mutex<u64>,
    changed: Condvar,
}

fn is_up(changes: u64) -> bool {
    changes % 2 == 1
}

impl Event {
    pub fn new() -> Self {
        Event {
            changes: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, u64> {
        self.changes.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set(&self) {
        let mut changes = self.lock();
        if !is_up(*changes) {
            *changes += 1;
            self.changed.notify_all();
        }
    }

    pub fn clear(&self) {
        let mut changes = self.lock();
        if is_up(*changes) {
            *changes += 1;
        }
    }

    pub fn is_set(&self) -> bool {
        is_up(*self.lock())
    }

    pub fn wait(&self) {
        let mut changes = self.lock();
        let seen = *changes;
        while !is_up(*changes) && *changes == seen {
            changes = self
                .changed
                .wait(changes)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut changes = self.lock();
        let seen = *changes;
        loop {
            if is_up(*changes) || *changes != seen {
                return true;
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return false;
            }
            changes = match self.changed.wait_timeout(changes, left) {
                Ok((changes, _)) => changes,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
