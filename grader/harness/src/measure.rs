//! Instruments that checks hand to learner code, so that what is judged is
//! counted by the check, never reported by the code under test.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::ThreadId;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
