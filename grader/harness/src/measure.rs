//! Instruments that checks hand to learner code, so that what is judged is
//! counted by the check, never reported by the code under test.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::Duration;

/// Counts how many callers are inside a region at once, and the most ever.
#[derive(Default, Debug)]
pub struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicUsize,
}

impl Gauge {
    pub const fn new() -> Gauge {
        Gauge {
            now: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
        }
    }

    /// Enters the region until the guard is dropped.
    pub fn enter(&self) -> GaugeGuard<'_> {
        // Ordering: SeqCst keeps "now" and "peak" in one total order, so the
        // peak can never miss an overlap that really happened.
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        GaugeGuard { gauge: self }
    }

    /// The largest number ever inside at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// How many entries there were in all.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
}

pub struct GaugeGuard<'a> {
    gauge: &'a Gauge,
}

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The distinct threads that ran some code.
#[derive(Default, Debug)]
pub struct Threads {
    seen: Mutex<HashSet<ThreadId>>,
}

impl Threads {
    pub fn new() -> Threads {
        Threads::default()
    }

    /// Records the calling thread.
    pub fn record(&self) {
        let id = std::thread::current().id();
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id);
    }

    /// How many distinct threads were recorded.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether the given thread was recorded.
    pub fn contains(&self, id: ThreadId) -> bool {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&id)
    }
}

/// The most of the sorted `starts` within any half-open interval
/// `[t, t + window)`: two starts exactly one window apart are not together.
/// What a rate limit of so many per window is held to (a two-pointer sweep).
pub fn max_in_window(starts: &[Duration], window: Duration) -> usize {
    let mut best = 0;
    let mut first = 0;
    for (last, &t) in starts.iter().enumerate() {
        while first <= last && t.saturating_sub(starts[first]) >= window {
            first += 1;
        }
        best = best.max(last + 1 - first);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn gauge_tracks_the_peak_not_the_total() {
        let gauge = Gauge::new();
        {
            let _a = gauge.enter();
            let _b = gauge.enter();
        }
        let _c = gauge.enter();
        assert_eq!(gauge.peak(), 2);
        assert_eq!(gauge.total(), 3);
    }

    #[test]
    fn threads_are_counted_once_each() {
        let threads = Threads::new();
        threads.record();
        threads.record();
        std::thread::scope(|s| {
            s.spawn(|| threads.record());
        });
        assert_eq!(threads.count(), 2);
    }

    #[test]
    fn max_in_window_is_the_densest_half_open_interval() {
        let w = ms(1000);
        assert_eq!(max_in_window(&[], w), 0);
        assert_eq!(max_in_window(&[ms(5)], w), 1);
        // Exactly one window apart: not in the same interval.
        assert_eq!(max_in_window(&[ms(0), ms(1000)], w), 1);
        assert_eq!(max_in_window(&[ms(0), ms(999)], w), 2);
        let starts = [
            ms(0),
            ms(100),
            ms(200),
            ms(1100),
            ms(1150),
            ms(1199),
            ms(1200),
        ];
        // [200, 1200) holds 200, 1100, 1150, 1199.
        assert_eq!(max_in_window(&starts, w), 4);
        assert_eq!(max_in_window(&starts, Duration::ZERO), 0);
    }
}
