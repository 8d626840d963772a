//! Known wrong: acquire, refused, sleeps a whole window from now instead of until the oldest grant leaves it: late, while a slot is free.
//! Written blind: acquire, when refused, sleeps a whole `window` from now ("after a window surely a slot is free") instead of until oldest + window: late, the slot stays free while it waits.
//! expect-fail: acquire-exact: came late
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    log: Mutex<(Vec<Instant>, Option<Instant>)>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0);
        assert!(!window.is_zero());
        SlidingWindow { rate, window, log: Mutex::new((Vec::with_capacity(rate), None)) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        let mut g = self.log.lock().unwrap();
        let now = g.1.map_or(now, |l| l.max(now));
        g.1 = Some(now);
        let w = self.window;
        g.0.retain(|&t| now - t < w);
        if g.0.len() < self.rate {
            g.0.push(now);
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
            tokio::time::sleep_until(now + self.window).await;
        }
    }
}
