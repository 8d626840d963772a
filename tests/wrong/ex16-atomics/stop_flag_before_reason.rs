//! Known wrong: a flag and a reason in two atomics, and `stop` raises the flag before it writes the reason: a worker can see "stopped" with the reason not written yet.
//! expect-fail: model-stop: the flag was seen before its reason was written

use kata_sync::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// Distinct ids from `first..limit`, then `None` forever.
///
/// The state is the next id to hand out, kept in `first..=limit`: `limit`
/// means "used up". It never goes past `limit`, so it cannot wrap, even
/// when `limit` is `u64::MAX`.
pub struct IdAllocator {
    next: AtomicU64,
    limit: u64,
}

impl IdAllocator {
    /// The ids `0..limit`.
    pub fn new(limit: u64) -> IdAllocator {
        IdAllocator::starting_at(0, limit)
    }

    /// The ids `first..limit` (none when `first >= limit`).
    pub fn starting_at(first: u64, limit: u64) -> IdAllocator {
        IdAllocator { next: AtomicU64::new(first.min(limit)), limit }
    }

    /// The next unused id, or `None` once every id is taken.
    pub fn next_id(&self) -> Option<u64> {
        self.next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < self.limit).then(|| n + 1))
            .ok()
    }
}

/// How many items are done so far.
pub struct Progress {
    done: AtomicU64,
}

impl Progress {
    /// Nothing done yet.
    pub fn new() -> Progress {
        Progress { done: AtomicU64::new(0) }
    }

    /// `n` more items done.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// How many items are done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

/// A flag, and the reason beside it.
pub struct StopFlag {
    stopped: AtomicBool,
    reason: AtomicU32,
}

impl StopFlag {
    /// Not stopped.
    pub fn new() -> StopFlag {
        StopFlag { stopped: AtomicBool::new(false), reason: AtomicU32::new(0) }
    }

    /// Stops, for `reason`, unless it was already stopped.
    pub fn stop(&self, reason: u32) -> bool {
        if self.stopped.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.reason.store(reason, Ordering::Release);
        true
    }

    /// `None` while running; `Some(reason)` once stopped.
    pub fn stopped(&self) -> Option<u32> {
        if self.stopped.load(Ordering::Acquire) {
            Some(self.reason.load(Ordering::Acquire))
        } else {
            None
        }
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
