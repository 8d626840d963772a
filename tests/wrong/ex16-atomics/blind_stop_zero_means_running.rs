//! Known wrong: the bare reason is the state, 0 meaning running: stop(0) is lost
//! Written blind: stop flag stores the bare reason with 0 meaning running: stop(0) is lost (returns true, stopped() stays None, a later stop also wins)
//! expect-fail: stop-edges: that last call should return Some(0)

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

    // SeqCst: more than needed (Relaxed would do: nothing is published by it),
    // kept so every atomic in this file has the same one total order.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::SeqCst);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
    }
}

pub struct StopFlag {
    /// 0 while running, else the reason.
    state: AtomicU64,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU64::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        self.state
            .compare_exchange(0, u64::from(reason), Ordering::Release, Ordering::Relaxed)
            .is_ok()
    }

    pub fn stopped(&self) -> Option<u32> {
        match self.state.load(Ordering::Acquire) {
            0 => None,
            s => Some(s as u32),
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
