//! Known wrong: a counter of grants that a spawned timer task decrements one window after each grant: tied to the runtime's clock, not to the `now` passed in (and it needs a runtime to call try_acquire at all).
//! expect-fail: contract-edges: panicked

use kata_sync::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    count: Arc<Mutex<usize>>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0 && !window.is_zero());
        SlidingWindow { rate, window, count: Arc::new(Mutex::new(0)) }
    }

    pub fn try_acquire(&self, _now: Instant) -> bool {
        let mut count = self.count.lock().unwrap();
        if *count >= self.rate {
            return false;
        }
        *count += 1;
        let (counter, window) = (Arc::clone(&self.count), self.window);
        tokio::spawn(async move {
            tokio::time::sleep(window).await;
            *counter.lock().unwrap() -= 1;
        });
        true
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            let now = Instant::now();
            if self.try_acquire(now) {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}
