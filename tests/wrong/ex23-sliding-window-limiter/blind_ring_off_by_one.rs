//! Known wrong: a ring of rate + 1 slots counted with `<=`: rate + 1 grants in one window.
//! Written blind: a ring buffer of rate+1 slots with `<=` in the count ("room for the new one"): lets rate+1 grants into one window.
//! expect-fail: contract-edges: where at most 3 may be
//! expect-fail: matches-the-log: where at most 1 may be
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

struct Ring {
    slots: Vec<Instant>,
    head: usize,
    latest: Option<Instant>,
}

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    ring: Mutex<Ring>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0 && !window.is_zero());
        SlidingWindow { rate, window, ring: Mutex::new(Ring { slots: Vec::new(), head: 0, latest: None }) }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut r = self.ring.lock().unwrap();
        let now = r.latest.map_or(now, |l| l.max(now));
        r.latest = Some(now);
        let in_window = r.slots.iter().filter(|&&t| now - t < self.window).count();
        if in_window <= self.rate {
            if r.slots.len() < self.rate + 1 {
                r.slots.push(now);
            } else {
                let h = r.head;
                r.slots[h] = now;
                r.head = (h + 1) % (self.rate + 1);
            }
            Ok(now)
        } else {
            let oldest = r.slots.iter().copied().filter(|&t| now - t < self.window).min().unwrap();
            Err(oldest + self.window)
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
