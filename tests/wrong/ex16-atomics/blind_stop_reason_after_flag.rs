//! Known wrong: two atomics, the flag won first and the reason stored after it: a reader sees the flag with reason 0
//! Written blind: two atomics, the flag won first and the reason stored after it: a reader that sees the flag may read reason 0 (the stale initial value)
//! expect-fail: model-stop: but the stop that won was for reason

#[allow(unused_imports)]
use kata_sync::sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, Ordering};

pub struct IdAllocator {
    next: AtomicU64,
    limit: u64,
}

impl IdAllocator {
    pub fn new(limit: u64) -> IdAllocator {
        IdAllocator::starting_at(0, limit)
    }

    pub fn starting_at(first: u64, limit: u64) -> IdAllocator {
        // The state stays in first..=limit, so it never wraps.
        IdAllocator { next: AtomicU64::new(first.min(limit)), limit }
    }

    pub fn next_id(&self) -> Option<u64> {
        // Relaxed: the id orders nothing else; the RMW alone makes it unique.
        self.next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < self.limit).then(|| n + 1))
            .ok()
    }
}

pub struct Progress {
    done: AtomicU64,
}

impl Progress {
    pub fn new() -> Progress {
        Progress { done: AtomicU64::new(0) }
    }

    // Relaxed: the counter publishes nothing but itself. Atomicity of the RMW
    // loses no addition, and the coherence order of one location means one
    // reader never sees it go back; join() gives the final total.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
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
        // Win the flag first, then record why.
        if self
            .flag
            .compare_exchange(false, true, Ordering::Release, Ordering::Relaxed)
            .is_ok()
        {
            self.reason.store(reason, Ordering::Relaxed);
            true
        } else {
            false
        }
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
