//! Known right: every waiter takes a ticket in a map under the mutex; set marks every ticket released, and each waiter watches its own.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::collections::HashMap;
use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

#[derive(Default)]
struct State {
    up: bool,
    next_ticket: u64,
    /// The threads waiting right now, and whether a `set` released them.
    waiting: HashMap<u64, bool>,
}

#[derive(Default)]
pub struct Event {
    state: Mutex<State>,
    wake: Condvar,
}

impl Event {
    pub fn new() -> Self {
        Event::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .expect("a thread panicked while it held the event")
    }

    pub fn set(&self) {
        let mut state = self.lock();
        state.up = true;
        for released in state.waiting.values_mut() {
            *released = true;
        }
        self.wake.notify_all();
    }

    pub fn clear(&self) {
        self.lock().up = false;
    }

    pub fn is_set(&self) -> bool {
        self.lock().up
    }

    pub fn wait(&self) {
        self.wait_until(None);
    }

    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_until(Some(
            Instant::now()
                .checked_add(timeout)
                .unwrap_or_else(far_future),
        ))
    }

    fn wait_until(&self, deadline: Option<Instant>) -> bool {
        let mut state = self.lock();
        if state.up {
            return true;
        }
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.waiting.insert(ticket, false);
        let released = loop {
            if state.waiting[&ticket] {
                break true;
            }
            state = match deadline {
                None => self.wake.wait(state).expect("event poisoned"),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break false;
                    }
                    self.wake
                        .wait_timeout(state, left)
                        .expect("event poisoned")
                        .0
                }
            };
        };
        state.waiting.remove(&ticket);
        released
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(60 * 60 * 24 * 365)
}
