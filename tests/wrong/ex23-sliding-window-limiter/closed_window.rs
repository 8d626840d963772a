//! Known wrong: the window is closed at both ends (a grant exactly one window old still counts): it refuses the call the contract allows at exactly t + window.
//! expect-fail: contract-edges: exactly one window ago
//! expect-fail: acquire-exact: late

use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    state: Mutex<(VecDeque<Instant>, Option<Instant>)>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0 && !window.is_zero());
        SlidingWindow { rate, window, state: Mutex::new((VecDeque::new(), None)) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.look(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            match self.look(Instant::now()) {
                Ok(at) => return at,
                Err(free_at) => tokio::time::sleep_until(free_at + Duration::from_millis(1)).await,
            }
        }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut s = self.state.lock().unwrap();
        let now = s.1.map_or(now, |l| l.max(now));
        s.1 = Some(now);
        // [now - window, now]:  keeps a grant exactly one window old.
        while s.0.front().is_some_and(|&t| now - t > self.window) {
            s.0.pop_front();
        }
        if s.0.len() < self.rate {
            s.0.push_back(now);
            Ok(now)
        } else {
            Err(s.0[0] + self.window)
        }
    }
}
