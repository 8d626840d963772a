//! Known right: a ring of `rate` instants (the slot of the oldest grant is the next to be reused); acquire queues its waiters in order on a `tokio::sync::Mutex` held across the sleep.

use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    window: Duration,
    ring: Mutex<Ring>,
    queue: tokio::sync::Mutex<()>,
}

struct Ring {
    /// Grant instants; `None` where no grant was made yet.
    slots: Vec<Option<Instant>>,
    /// The oldest grant's slot.
    next: usize,
    latest: Option<Instant>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "rate 0");
        assert!(!window.is_zero(), "zero window");
        let ring = Ring { slots: vec![None; rate], next: 0, latest: None };
        SlidingWindow { window, ring: Mutex::new(ring), queue: tokio::sync::Mutex::new(()) }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.take(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        let _turn = self.queue.lock().await;
        loop {
            match self.take(Instant::now()) {
                Ok(at) => return at,
                Err(free_at) => tokio::time::sleep_until(free_at).await,
            }
        }
    }

    /// The oldest grant is in slot `next`: free when empty or a window old.
    fn take(&self, now: Instant) -> Result<Instant, Instant> {
        let mut ring = self.ring.lock().unwrap();
        let now = ring.latest.map_or(now, |l| l.max(now));
        ring.latest = Some(now);
        let next = ring.next;
        match ring.slots[next] {
            Some(oldest) if now.duration_since(oldest) < self.window => Err(oldest + self.window),
            _ => {
                ring.slots[next] = Some(now);
                ring.next = (next + 1) % ring.slots.len();
                Ok(now)
            }
        }
    }
}
