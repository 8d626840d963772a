//! Known right: a VecDeque of (instant, count) runs (equal instants merged into one entry), pruned from the front, total count kept; acquire sleeps until the front run leaves the window.
//! Written blind: right: a VecDeque of (instant, count) runs (equal instants merged into one entry), pruned from the front, total count kept; acquire sleeps until the front run leaves the window.
use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

struct Inner {
    runs: VecDeque<(Instant, usize)>,
    total: usize,
    last_now: Option<Instant>,
}

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    inner: Mutex<Inner>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate != 0 && !window.is_zero(), "rate and window must be non-zero");
        SlidingWindow {
            rate,
            window,
            inner: Mutex::new(Inner { runs: VecDeque::new(), total: 0, last_now: None }),
        }
    }

    fn step(&self, now: Instant) -> Result<Instant, Instant> {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = g.last_now.map_or(now, |l| if now < l { l } else { now });
        g.last_now = Some(now);
        while let Some(&(t, c)) = g.runs.front() {
            if now.duration_since(t) >= self.window {
                g.runs.pop_front();
                g.total -= c;
            } else {
                break;
            }
        }
        if g.total < self.rate {
            g.total += 1;
            match g.runs.back_mut() {
                Some((t, c)) if *t == now => *c += 1,
                _ => g.runs.push_back((now, 1)),
            }
            Ok(now)
        } else {
            Err(g.runs.front().expect("total >= rate > 0").0 + self.window)
        }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.step(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            let at = match self.step(Instant::now()) {
                Ok(t) => return t,
                Err(at) => at,
            };
            tokio::time::sleep_until(at).await;
        }
    }
}
