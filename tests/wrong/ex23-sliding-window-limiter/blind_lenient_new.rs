//! Known wrong: new never panics (rate 0 becomes 1, a zero window grants everything): the contract refuses both at construction.
//! Written blind: `new` never panics: rate 0 and a zero window are "clamped" (rate 0 -> 1, window 0 -> unlimited) because panicking in a constructor feels rude; the contract wants both refused at construction.
//! expect-fail: contract-edges: new must panic on either
use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    state: Mutex<(VecDeque<Instant>, Option<Instant>)>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        let rate = rate.max(1);
        SlidingWindow { rate, window, state: Mutex::new((VecDeque::new(), None)) }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let mut s = self.state.lock().unwrap();
        let now = s.1.map_or(now, |l| l.max(now));
        s.1 = Some(now);
        if self.window.is_zero() {
            return Ok(now);
        }
        while s.0.front().is_some_and(|&t| now - t >= self.window) {
            s.0.pop_front();
        }
        if s.0.len() < self.rate {
            s.0.push_back(now);
            Ok(now)
        } else {
            Err(s.0[0] + self.window)
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
