//! Known wrong: acquire books its future slot in the log before it sleeps (a ticket queue): grants come at the right instants, but a waiter dropped by a timeout still holds its slot.
//! Written blind: acquire books its future slot (pushes oldest + window into the log) before sleeping until it, like a ticket queue: a waiter dropped by a timeout still holds the slot, and the booked future instant counts against try_acquire now.
//! expect-fail: acquire-cancelled: the dropped acquire still held a slot
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
        assert!(rate > 0, "rate must be > 0");
        assert!(!window.is_zero(), "window must be > 0");
        SlidingWindow { rate, window, state: Mutex::new((VecDeque::new(), None)) }
    }

    /// Books the earliest slot at or after `now` and returns its instant.
    fn book(&self, now: Instant) -> Instant {
        let mut s = self.state.lock().unwrap();
        let now = s.1.map_or(now, |l| l.max(now));
        s.1 = Some(now);
        while s.0.front().is_some_and(|&t| now.saturating_duration_since(t) >= self.window) {
            s.0.pop_front();
        }
        let at = if s.0.len() < self.rate {
            now
        } else {
            // the slot of the grant `rate` places back frees a window after it
            s.0[s.0.len() - self.rate] + self.window
        };
        s.0.push_back(at);
        at
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        let mut s = self.state.lock().unwrap();
        let now = s.1.map_or(now, |l| l.max(now));
        s.1 = Some(now);
        while s.0.front().is_some_and(|&t| now.saturating_duration_since(t) >= self.window) {
            s.0.pop_front();
        }
        if s.0.len() < self.rate {
            s.0.push_back(now);
            true
        } else {
            false
        }
    }

    pub async fn acquire(&self) -> Instant {
        let at = self.book(Instant::now());
        tokio::time::sleep_until(at).await;
        at
    }
}
