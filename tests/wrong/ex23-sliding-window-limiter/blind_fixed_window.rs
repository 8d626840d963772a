//! Known wrong: a counter per fixed window from the first call: 2R pass around a boundary.
//! Written blind: a fixed-window counter (bucket = elapsed / window, reset at each bucket start): one integer and "obviously" R per window, but 2R slip through across a boundary.
//! expect-fail: contract-edges: 2R at a boundary
//! expect-fail: matches-the-log: less than a window
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

struct Counter {
    epoch: Option<Instant>,
    bucket: u128,
    count: usize,
}

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    counter: Mutex<Counter>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "rate must be > 0");
        assert!(!window.is_zero(), "window must be > 0");
        SlidingWindow { rate, window, counter: Mutex::new(Counter { epoch: None, bucket: 0, count: 0 }) }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut c = self.counter.lock().unwrap();
        let epoch = *c.epoch.get_or_insert(now);
        let bucket = now.saturating_duration_since(epoch).as_nanos() / self.window.as_nanos();
        if bucket > c.bucket {
            c.bucket = bucket;
            c.count = 0;
        }
        if c.count < self.rate {
            c.count += 1;
            Ok(now)
        } else {
            let next = epoch + self.window * (c.bucket as u32 + 1);
            Err(next)
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
