//! Known wrong: acquire retries every 1 ms (a sleep of a fixed step) instead of sleeping until the oldest grant leaves the window: polled once per step.
//! Written blind: acquire retries try_acquire every 1 ms (tokio::time::sleep of a fixed step) instead of sleeping until the oldest grant leaves: polled once per step, late when the slot frees off the grid.
//! expect-fail: acquire-exact: wakes up on a timer of its own
use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    inner: Mutex<(VecDeque<Instant>, Option<Instant>)>,
}

const POLL: Duration = Duration::from_millis(1);

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "rate must be > 0");
        assert!(!window.is_zero(), "window must be > 0");
        SlidingWindow { rate, window, inner: Mutex::new((VecDeque::new(), None)) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        let mut g = self.inner.lock().unwrap();
        let (log, latest) = &mut *g;
        let now = latest.map_or(now, |l| l.max(now));
        *latest = Some(now);
        while log.front().is_some_and(|&t| now - t >= self.window) {
            log.pop_front();
        }
        if log.len() < self.rate {
            log.push_back(now);
            true
        } else {
            false
        }
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            let now = Instant::now();
            if self.try_acquire(now) {
                return now;
            }
            tokio::time::sleep(POLL).await;
        }
    }
}
