//! Known wrong: a token bucket of `rate` tokens refilled continuously at rate per window: it refills at its own pace, so it refuses a call the window allows (and lets more than rate through one window after a burst).
//! expect-fail: matches-the-log: refills at its own pace

use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    // (tokens, last refill)
    state: Mutex<Option<(f64, Instant)>>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0 && !window.is_zero());
        SlidingWindow { rate, window, state: Mutex::new(None) }
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
        let rate = self.rate as f64;
        let mut state = self.state.lock().unwrap();
        let (tokens, last) = state.get_or_insert((rate, now));
        let now = now.max(*last);
        let refill = (now - *last).as_secs_f64() / self.window.as_secs_f64() * rate;
        *tokens = (*tokens + refill).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(now)
        } else {
            let wait = (1.0 - *tokens) / rate * self.window.as_secs_f64();
            Err(now + Duration::from_secs_f64(wait))
        }
    }
}
