//! Known wrong: no latest `now` kept: a call with an earlier `now` is granted and recorded at its own instant, so its slot frees too early.
//! Written blind: a late call's earlier `now` is taken as it is (no "latest now" kept) and inserted at its sorted place in the log: it then leaves the window too early (before latest + window) and a later call gets a slot the contract still counts as taken.
//! expect-fail: contract-edges: its grant counts from 150 ms
//! expect-fail: matches-the-log: (the latest `now` given)
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    grants: Mutex<Vec<Instant>>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "rate must be > 0");
        assert!(!window.is_zero(), "window must be > 0");
        SlidingWindow { rate, window, grants: Mutex::new(Vec::with_capacity(rate)) }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut g = self.grants.lock().unwrap();
        let w = self.window;
        // sorted log: everything at least a window older than `now` is out
        let cut = g.partition_point(|&t| t <= now && now - t >= w);
        g.drain(..cut);
        if g.len() < self.rate {
            // keep it sorted even when threads arrive out of order
            let at = g.partition_point(|&t| t <= now);
            g.insert(at, now);
            Ok(now)
        } else {
            Err(g[0] + w)
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
