//! Known right: a fixed ring buffer of the last `rate` grant instants (the slot to overwrite is the oldest); a grant is allowed iff that slot is empty or at least `window` old.
//! Written blind: right: a fixed ring buffer of the last `rate` grant instants (the slot to overwrite is the oldest); a grant is allowed iff that slot is empty or at least `window` old.
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

struct Ring {
    /// The last `rate` grants; `slots[next]` is the oldest of them (or None).
    slots: Box<[Option<Instant>]>,
    next: usize,
    latest: Option<Instant>,
}

pub struct SlidingWindow {
    window: Duration,
    ring: Mutex<Ring>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        if rate == 0 {
            panic!("a rate of 0 could never grant");
        }
        if window == Duration::ZERO {
            panic!("a zero window could never refuse");
        }
        SlidingWindow {
            window,
            ring: Mutex::new(Ring {
                slots: vec![None; rate].into_boxed_slice(),
                next: 0,
                latest: None,
            }),
        }
    }

    /// None: granted at the returned instant... encoded as Ok/Err.
    fn attempt(&self, now: Instant) -> Result<Instant, Instant> {
        let mut guard = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        let r = &mut *guard;
        let now = r.latest.map_or(now, |l| l.max(now));
        r.latest = Some(now);
        let n = r.slots.len();
        match r.slots[r.next] {
            // The oldest of the last `rate` grants is still inside (now - window, now].
            Some(oldest) if now.duration_since(oldest) < self.window => Err(oldest + self.window),
            _ => {
                r.slots[r.next] = Some(now);
                r.next = (r.next + 1) % n;
                Ok(now)
            }
        }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.attempt(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            let deadline = match self.attempt(Instant::now()) {
                Ok(granted) => return granted,
                Err(free_at) => free_at,
            };
            tokio::time::sleep_until(deadline).await;
        }
    }
}
