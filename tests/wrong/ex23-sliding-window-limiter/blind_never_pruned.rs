//! Known wrong: a log that only grows: the answers are right (it counts the recent grants from the back), but it keeps every grant ever made.
//! Written blind: a log that only grows: counts the grants inside the window with a filter but never removes the old ones ("the count is right, so it's right"): unbounded memory.
//! expect-fail: memory-bounded: it keeps every grant it ever made
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
        assert!(rate > 0, "rate must be positive");
        assert!(!window.is_zero(), "window must be positive");
        SlidingWindow { rate, window, log: Mutex::new((Vec::new(), None)) }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut g = self.log.lock().unwrap();
        let now = g.1.map_or(now, |l| l.max(now));
        g.1 = Some(now);
        let recent: Vec<Instant> = g.0.iter().rev().take_while(|&&t| now - t < self.window).copied().collect();
        if recent.len() < self.rate {
            g.0.push(now);
            Ok(now)
        } else {
            Err(*recent.last().unwrap() + self.window)
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
