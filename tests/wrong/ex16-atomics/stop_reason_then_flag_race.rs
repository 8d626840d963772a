//! Known wrong: a reason and a flag in two atomics: stop checks the flag, writes its reason, then swaps the flag in. Two stoppers at once both write a reason, and the winner's can be overwritten.
//! expect-fail: model-stop: but the stop that won was for reason

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
        IdAllocator {
            next: AtomicU64::new(first.min(limit)),
            limit,
        }
    }

    /// The next unused id, or `None` once every id is taken.
    pub fn next_id(&self) -> Option<u64> {
        self.next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < self.limit).then(|| n + 1)
            })
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
        Progress {
            done: AtomicU64::new(0),
        }
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
        if self.stopped.load(Ordering::Acquire) {
            return false;
        }
        self.reason.store(reason, Ordering::Relaxed);
        !self.stopped.swap(true, Ordering::AcqRel)
    }

    /// `None` while running; `Some(reason)` once stopped.
    pub fn stopped(&self) -> Option<u32> {
        if self.stopped.load(Ordering::Acquire) {
            Some(self.reason.load(Ordering::Relaxed))
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
