//! Known wrong: prunes and counts under one lock scope, pushes under another: two threads both see the last free slot and both push (alone on one thread it answers as the log).
//! Written blind: check-then-act: prunes and counts in one lock scope, drops the guard, then pushes in a second scope ("keep critical sections short"): two threads both see rate-1 and both push.
//! expect-fail: model-never-over: both saw the last free slot
use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    grants: Mutex<VecDeque<Instant>>,
    latest: Mutex<Option<Instant>>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0);
        assert!(!window.is_zero());
        SlidingWindow { rate, window, grants: Mutex::new(VecDeque::new()), latest: Mutex::new(None) }
    }

    fn clock(&self, now: Instant) -> Instant {
        let mut l = self.latest.lock().unwrap();
        let now = l.map_or(now, |x| x.max(now));
        *l = Some(now);
        now
    }

    /// Prune and count; Err(when the oldest leaves) if full.
    fn has_room(&self, now: Instant) -> Result<(), Instant> {
        let mut g = self.grants.lock().unwrap();
        while g.front().is_some_and(|&t| now - t >= self.window) {
            g.pop_front();
        }
        if g.len() < self.rate { Ok(()) } else { Err(g[0] + self.window) }
    }

    fn record(&self, now: Instant) {
        self.grants.lock().unwrap().push_back(now);
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        let now = self.clock(now);
        if self.has_room(now).is_ok() {
            self.record(now);
            true
        } else {
            false
        }
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            let now = self.clock(Instant::now());
            match self.has_room(now) {
                Ok(()) => {
                    self.record(now);
                    return now;
                }
                Err(at) => tokio::time::sleep_until(at).await,
            }
        }
    }
}
