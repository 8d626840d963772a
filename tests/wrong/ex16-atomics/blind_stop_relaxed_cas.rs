//! Known wrong: the stop compare-exchange is Relaxed on success: the payload written before it is not published
//! Written blind: stop flag CAS with Relaxed on success: the first-stop-wins part is right but the payload and reason written before are not published (a learner thinks the CAS alone is enough, and it works on x86)
//! expect-fail: model-stop: STALE READ

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

const STOPPED: u64 = 1 << 32;

pub struct StopFlag {
    /// 0 while running; STOPPED | reason once stopped.
    state: AtomicU64,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU64::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        // The CAS is atomic, so the first stop wins; Relaxed is enough for a flag.
        self.state
            .compare_exchange(0, STOPPED | u64::from(reason), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }

    pub fn stopped(&self) -> Option<u32> {
        let s = self.state.load(Ordering::Acquire);
        (s & STOPPED != 0).then_some(s as u32)
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
