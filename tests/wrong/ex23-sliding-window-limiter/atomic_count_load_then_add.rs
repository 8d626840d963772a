//! Known wrong: a SeqCst atomic count of the grants in the window, read, compared and then incremented: two threads read the same count and both add.
//! expect-fail: model-never-over: read, compared and then incremented

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::Mutex;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    count: AtomicUsize,
    log: Mutex<VecDeque<Instant>>,
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert!(rate > 0 && !window.is_zero());
        let (count, log) = (AtomicUsize::new(0), Mutex::new(VecDeque::new()));
        SlidingWindow { rate, window, count, log }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        self.look(now).is_ok()
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            match self.look(Instant::now()) {
                Ok(at) => return at,
                Err(free_at) => tokio::time::sleep_until(free_at).await,
            }
        }
    }

    fn look(&self, now: Instant) -> Result<Instant, Instant> {
        {
            let mut log = self.log.lock().unwrap();
            while log.front().is_some_and(|&t| now - t >= self.window) {
                log.pop_front();
                self.count.fetch_sub(1, Ordering::SeqCst);
            }
        }
        if self.count.load(Ordering::SeqCst) < self.rate {
            self.count.fetch_add(1, Ordering::SeqCst);
            let mut log = self.log.lock().unwrap();
            log.push_back(now);
            Ok(now)
        } else {
            let log = self.log.lock().unwrap();
            Err(log.front().map_or(now, |&t| t + self.window))
        }
    }
}
