//! Known right: a sorted Vec of grant instants, pruned with partition_point (binary search) and drain; the latest `now` kept alongside, one lock scope.
//! Written blind: right: a sorted Vec of grant instants, pruned with partition_point (binary search) and drain; the latest `now` kept alongside, one lock scope.
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Default)]
struct Log {
    times: Vec<Instant>,
    clock: Option<Instant>,
}

pub struct SlidingWindow {
    rate: usize,
    window: Duration,
    log: Mutex<Log>,
}

enum Answer {
    Granted(Instant),
    FreeAt(Instant),
}

impl SlidingWindow {
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        assert_ne!(rate, 0, "rate 0");
        assert_ne!(window, Duration::ZERO, "zero window");
        SlidingWindow { rate, window, log: Mutex::new(Log { times: Vec::with_capacity(rate), clock: None }) }
    }

    fn decide(&self, now: Instant) -> Answer {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let now = match log.clock {
            Some(c) => c.max(now),
            None => now,
        };
        log.clock = Some(now);
        // times is sorted (non-decreasing); everything with now - t >= window is out.
        let window = self.window;
        let cut = log.times.partition_point(|&t| now.duration_since(t) >= window);
        log.times.drain(..cut);
        if log.times.len() < self.rate {
            log.times.push(now);
            Answer::Granted(now)
        } else {
            Answer::FreeAt(log.times[0] + window)
        }
    }

    pub fn try_acquire(&self, now: Instant) -> bool {
        matches!(self.decide(now), Answer::Granted(_))
    }

    pub async fn acquire(&self) -> Instant {
        loop {
            match self.decide(Instant::now()) {
                Answer::Granted(at) => return at,
                Answer::FreeAt(at) => tokio::time::sleep_until(at).await,
            }
        }
    }
}
