//! Known wrong: a fixed-window counter (reset when a window has passed since the window began): around a reset it lets nearly twice the rate through.
//! expect-fail: contract-edges: 2R at a boundary
//! expect-fail: matches-the-log: less than a window

use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    // (start of the current window, grants in it)
    state: Mutex<Option<(Instant, usize)>>,
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
        let mut state = self.state.lock().unwrap();
        let (start, count) = state.get_or_insert((now, 0));
        if now.saturating_duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if *count < self.rate {
            *count += 1;
            Ok(now)
        } else {
            Err(*start + self.window)
        }
    }
}
