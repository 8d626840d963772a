//! Known wrong: an atomic count of the grants in the window, loaded and compared under no lock, then incremented: two threads both see the last free slot and both take it (alone on one thread it answers as the log).
//! Written blind: an AtomicUsize of grants in the window, loaded, compared with rate, then fetch_add'ed (the log only locked to prune/push): the load and the increment race, rate+1 get through.
//! expect-fail: model-never-over: both saw the last free slot
use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    in_window: AtomicUsize,
    log: Mutex<(VecDeque<Instant>, Option<Instant>)>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0, "rate");
        assert!(!window.is_zero(), "window");
        SlidingWindow { rate, window, in_window: AtomicUsize::new(0), log: Mutex::new((VecDeque::new(), None)) }
    }

    fn prune(&self, now: Instant) -> (Instant, Option<Instant>) {
        let mut g = self.log.lock().unwrap();
        let now = g.1.map_or(now, |l| l.max(now));
        g.1 = Some(now);
        while g.0.front().is_some_and(|&t| now - t >= self.window) {
            g.0.pop_front();
            self.in_window.fetch_sub(1, Ordering::SeqCst);
        }
        (now, g.0.front().map(|&t| t + self.window))
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        let (now, free_at) = self.prune(now);
        if self.in_window.load(Ordering::SeqCst) < self.rate {
            self.in_window.fetch_add(1, Ordering::SeqCst);
            self.log.lock().unwrap().0.push_back(now);
            Ok(now)
        } else {
            Err(free_at.unwrap_or(now))
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
