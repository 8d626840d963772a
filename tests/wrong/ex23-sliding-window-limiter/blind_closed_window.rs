//! Known wrong: the window closed at both ends (a grant exactly one window old still counts): the slot free at t + window is refused, and acquire wakes 1 ns late.
//! Written blind: the window closed at both ends: prunes only grants strictly older than `window` (`now - t > window`), so a grant exactly `window` old still counts and the free slot at t + window is refused.
//! expect-fail: contract-edges: a grant made exactly one window ago no longer counts
//! expect-fail: matches-the-log: half-open
//! expect-fail: acquire-exact: came late
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
        assert!(rate > 0);
        assert!(window > Duration::ZERO);
        SlidingWindow { rate, window, state: Mutex::new((VecDeque::new(), None)) }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut s = self.state.lock().unwrap();
        let now = s.1.map_or(now, |l| l.max(now));
        s.1 = Some(now);
        // "older than the window" -> drop it
        while s.0.front().is_some_and(|&t| now - t > self.window) {
            s.0.pop_front();
        }
        if s.0.len() < self.rate {
            s.0.push_back(now);
            Ok(now)
        } else {
            Err(s.0[0] + self.window + Duration::from_nanos(1))
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
