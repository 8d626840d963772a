//! Known wrong: a log that is never pruned (it counts only the last `rate` grants, so its answers are right): its memory grows with every grant.
//! expect-fail: memory-bounded: keeps every grant

use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    state: Mutex<(Vec<Instant>, Option<Instant>)>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0 && !window.is_zero());
        SlidingWindow { rate, window, state: Mutex::new((Vec::new(), None)) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.look(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            match self.look(Instant::now()) {
                Ok(at) => return at,
                Err(free_at) => tokio::time::sleep_until(free_at).await,
            }
        }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut s = self.state.lock().unwrap();
        let now = s.1.map_or(now, |l| l.max(now));
        s.1 = Some(now);
        let n = s.0.len();
        // The R-th newest grant decides; nothing is ever removed.
        if n < self.rate || now - s.0[n - self.rate] >= self.window {
            s.0.push(now);
            Ok(now)
        } else {
            Err(s.0[n - self.rate] + self.window)
        }
    }
}
