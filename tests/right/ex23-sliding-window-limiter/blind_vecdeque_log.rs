//! Known right: a VecDeque log of grant instants (oldest first) plus the latest `now`, behind one kata_sync Mutex; acquire sleeps until oldest + window.
//! Written blind: right: a VecDeque log of grant instants (oldest first) plus the latest `now`, behind one kata_sync Mutex; acquire sleeps until oldest + window.
use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

struct State {
    grants: VecDeque<Instant>,
    latest: Option<Instant>,
}

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    state: Mutex<State>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "SlidingWindow::new: rate must be > 0");
        assert!(!window.is_zero(), "SlidingWindow::new: window must be non-zero");
        SlidingWindow {
            rate,
            window,
            state: Mutex::new(State { grants: VecDeque::with_capacity(rate), latest: None }),
        }
    }

    /// One look under one lock: Ok(grant instant) or Err(instant the oldest leaves).
    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = match s.latest {
            Some(l) if l > now => l,
            _ => now,
        };
        s.latest = Some(now);
        while let Some(&t) = s.grants.front() {
            if now - t >= self.window {
                s.grants.pop_front();
            } else {
                break;
            }
        }
        if s.grants.len() < self.rate {
            s.grants.push_back(now);
            Ok(now)
        } else {
            Err(s.grants[0] + self.window)
        }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.look(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            match self.look(Instant::now()) {
                Ok(t) => return t,
                Err(at) => tokio::time::sleep_until(at).await,
            }
        }
    }
}
