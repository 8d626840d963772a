//! Known wrong: two atomics, the reason written before a check-then-CAS: a losing stopper overwrites the winner's reason
//! Written blind: two atomics, reason written before a check-then-CAS: two stoppers both pass the check and the loser overwrites the winning reason before or after the flag rises
//! expect-fail: model-stop: but the stop that won was for reason

#[allow(unused_imports)]
use kata_sync::sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, Ordering};

pub struct IdAllocator {
    /// How many ids are still to hand out; the id is `limit - remaining`.
    remaining: AtomicU64,
    limit: u64,
}

impl IdAllocator {
    pub fn new(limit: u64) -> IdAllocator {
        IdAllocator::starting_at(0, limit)
    }

    pub fn starting_at(first: u64, limit: u64) -> IdAllocator {
        IdAllocator { remaining: AtomicU64::new(limit.saturating_sub(first)), limit }
    }

    pub fn next_id(&self) -> Option<u64> {
        self.remaining
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |r| r.checked_sub(1))
            .ok()
            .map(|r| self.limit - r)
    }
}

pub struct Progress {
    done: AtomicU64,
}

impl Progress {
    pub fn new() -> Progress {
        Progress { done: AtomicU64::new(0) }
    }

    // Release/Acquire: stronger than needed (Relaxed is enough, the counter
    // publishes nothing), but a reader also sees the workers' earlier writes.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Release);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Acquire)
    }
}

pub struct StopFlag {
    flag: AtomicBool,
    reason: AtomicU32,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { flag: AtomicBool::new(false), reason: AtomicU32::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        // Write the reason first, then raise the flag with Release so the
        // reason travels with it.
        if self.flag.load(Ordering::Acquire) {
            return false;
        }
        self.reason.store(reason, Ordering::Relaxed);
        self.flag
            .compare_exchange(false, true, Ordering::Release, Ordering::Relaxed)
            .is_ok()
    }

    pub fn stopped(&self) -> Option<u32> {
        if self.flag.load(Ordering::Acquire) {
            Some(self.reason.load(Ordering::Relaxed))
        } else {
            None
        }
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
