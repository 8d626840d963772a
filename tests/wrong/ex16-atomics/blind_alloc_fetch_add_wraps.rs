//! Known wrong: fetch_add, then a check against the limit: the state runs on and wraps past u64::MAX
//! Written blind: allocator uses fetch_add and checks n < limit after: it overshoots forever and wraps past u64::MAX to hand out 0.. again; fetch_add is the obvious atomic counter
//! expect-fail: ids-edges: wrapped around past

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
        IdAllocator { next: AtomicU64::new(first), limit }
    }

    pub fn next_id(&self) -> Option<u64> {
        // fetch_add is one atomic step, so no two threads get the same n.
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        if n < self.limit { Some(n) } else { None }
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
        // Release on success publishes the stopper's earlier writes.
        self.state
            .compare_exchange(0, STOPPED | u64::from(reason), Ordering::Release, Ordering::Relaxed)
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
