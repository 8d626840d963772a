//! Known wrong: the allocator loads, then stores: two threads hand out the same id
//! Written blind: allocator does a load then a separate store (two threads read the same n and both hand it out): SeqCst feels like it makes it atomic
//! expect-fail: model-ids: both got id

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
        // SeqCst on both, so it is safe.
        let n = self.next.load(Ordering::SeqCst);
        if n >= self.limit {
            return None;
        }
        self.next.store(n + 1, Ordering::SeqCst);
        Some(n)
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
