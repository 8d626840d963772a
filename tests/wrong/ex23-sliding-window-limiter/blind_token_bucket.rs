//! Known wrong: a token bucket of rate tokens refilled continuously at rate per window: a full bucket, then a refill, put more than rate in one window.
//! Written blind: a token bucket of `rate` tokens refilled continuously at rate/window: the classic limiter, but R at the end of a window plus the refill soon after make more than R in one window.
//! expect-fail: matches-the-log: a token bucket refills
//! expect-fail: contract-edges: a token bucket refills
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

struct Bucket {
    tokens: f64,
    last: Option<Instant>,
}

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    bucket: Mutex<Bucket>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "rate 0");
        assert!(!window.is_zero(), "window 0");
        SlidingWindow { rate, window, bucket: Mutex::new(Bucket { tokens: rate as f64, last: None }) }
    }

    fn per_sec(&self) -> f64 {
        self.rate as f64 / self.window.as_secs_f64()
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut b = self.bucket.lock().unwrap();
        let now = b.last.map_or(now, |l| l.max(now));
        if let Some(last) = b.last {
            let dt = (now - last).as_secs_f64();
            b.tokens = (b.tokens + dt * self.per_sec()).min(self.rate as f64);
        }
        b.last = Some(now);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(now)
        } else {
            let missing = 1.0 - b.tokens;
            Err(now + Duration::from_secs_f64(missing / self.per_sec()))
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
