//! Known wrong: one compare_exchange_weak, and None when it fails: a lost race (or a spurious failure) reads as used up
//! Written blind: allocator tries one compare_exchange_weak and returns None when it fails (lost race or spurious failure), so None can mean "try again": learner reads Err as "range taken"
//! expect-fail: model-ids: was told None, then got id

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
        IdAllocator { next: AtomicU64::new(first.min(limit)), limit }
    }

    pub fn next_id(&self) -> Option<u64> {
        let n = self.next.load(Ordering::Relaxed);
        if n >= self.limit {
            return None;
        }
        // If somebody else moved it, we lost the race: report nothing.
        match self.next.compare_exchange_weak(n, n + 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => Some(n),
            Err(_) => None,
        }
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
    /// 0 while running; reason + 1 once stopped (fits: u32::MAX + 1 < u64::MAX).
    state: AtomicU64,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU64::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        let encoded = u64::from(reason) + 1;
        self.state.compare_exchange(0, encoded, Ordering::SeqCst, Ordering::SeqCst).is_ok()
    }

    pub fn stopped(&self) -> Option<u32> {
        match self.state.load(Ordering::SeqCst) {
            0 => None,
            s => Some((s - 1) as u32),
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
