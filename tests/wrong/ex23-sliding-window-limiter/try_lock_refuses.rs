//! Known wrong: try_acquire uses `try_lock` and answers false when another thread holds the lock, though a slot is free.
//! expect-fail: model-never-over: not do not wait for the lock

use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// At most `rate` grants in any window of length `window` (the stub says
/// the contract in full).
pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    state: Mutex<Log>,
}

struct Log {
    /// The grants in `(latest - window, latest]`, oldest first: never more than `rate`.
    grants: VecDeque<Instant>,
    /// The latest `now` given: the limiter's clock never goes back.
    latest: Option<Instant>,
}

/// What one look at the log found.
enum Answer {
    Granted(Instant),
    /// No slot: the oldest grant frees one at this instant.
    FreeAt(Instant),
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "SlidingWindow::new: a rate of 0 could never grant");
        assert!(!window.is_zero(), "SlidingWindow::new: a zero window could never refuse");
        let log = Log { grants: VecDeque::with_capacity(rate), latest: None };
        SlidingWindow { rate, window, state: Mutex::new(log) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        match self.state.try_lock() {
            Ok(guard) => {
                drop(guard);
                matches!(self.look(now), Answer::Granted(_))
            }
            Err(_) => false,
        }
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            // The lock is let go before the sleep: the guard lives only in `look`.
            match self.look(Instant::now()) {
                Answer::Granted(at) => return at,
                // Another waiter may take that slot first: then look again.
                Answer::FreeAt(at) => tokio::time::sleep_until(at).await,
            }
        }
    }

    /// Forget, count and grant, in one lock scope.
    fn look(&self, now: Instant) -> Answer {
        let mut log = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = log.latest.map_or(now, |latest| latest.max(now));
        log.latest = Some(now);
        // Half-open window (now - window, now]: a grant exactly `window` old is out.
        while log.grants.front().is_some_and(|&t| now - t >= self.window) {
            log.grants.pop_front();
        }
        if log.grants.len() < self.rate {
            log.grants.push_back(now);
            Answer::Granted(now)
        } else {
            Answer::FreeAt(log.grants[0] + self.window)
        }
    }
}
