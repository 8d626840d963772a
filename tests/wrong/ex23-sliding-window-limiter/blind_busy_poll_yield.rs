//! Known wrong: acquire loops on try_acquire and yield_now: it never sleeps, so on the paused clock time never moves (try_acquire itself, a ring of rate slots, is right).
//! Written blind: acquire busy-polls try_acquire(Instant::now()) with tokio::task::yield_now between tries ("it's async, so yielding is fine"): never sleeps, the paused clock never moves.
//! expect-fail: acquire-exact: instead of sleeping
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

struct Ring {
    slots: Vec<Option<Instant>>,
    next: usize,
    latest: Option<Instant>,
}

pub struct SlidingWindow {
    window: Duration,
    ring: Mutex<Ring>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "rate must be > 0");
        assert!(!window.is_zero(), "window must be > 0");
        SlidingWindow { window, ring: Mutex::new(Ring { slots: vec![None; rate], next: 0, latest: None }) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        let mut r = self.ring.lock().unwrap();
        let now = r.latest.map_or(now, |l| l.max(now));
        r.latest = Some(now);
        let i = r.next;
        if let Some(old) = r.slots[i] {
            if now - old < self.window {
                return false;
            }
        }
        r.slots[i] = Some(now);
        r.next = (i + 1) % r.slots.len();
        true
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            let now = Instant::now();
            if self.try_acquire(now) {
                return now;
            }
            tokio::task::yield_now().await;
        }
    }
}
