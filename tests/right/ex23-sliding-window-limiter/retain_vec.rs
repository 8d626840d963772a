//! Known right: the notes' list, rebuilt with `retain` on every call (a grant stays while now - t < window), and acquire sleeping until the oldest kept grant leaves the window.

use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    inner: Mutex<(Vec<Instant>, Instant)>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        if rate == 0 || window == Duration::ZERO {
            panic!("a limiter needs a rate and a window");
        }
        let far_past = Instant::now() - Duration::from_secs(1);
        SlidingWindow { rate, window, inner: Mutex::new((Vec::with_capacity(rate), far_past)) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.attempt(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            let now = Instant::now();
            match self.attempt(now) {
                Ok(granted) => return granted,
                Err(wake) => tokio::time::sleep_until(wake).await,
            }
        }
    }

    /// The grant's instant, or when to look again.
    fn attempt(&self, now: Instant) -> Result<Instant, Instant> {
        let mut guard = self.inner.lock().unwrap();
        let (log, latest) = &mut *guard;
        if now > *latest {
            *latest = now;
        }
        let now = *latest;
        log.retain(|&t| now.duration_since(t) < self.window);
        if log.len() < self.rate {
            log.push(now);
            Ok(now)
        } else {
            Err(log.iter().min().map_or(now, |&t| t + self.window))
        }
    }
}
