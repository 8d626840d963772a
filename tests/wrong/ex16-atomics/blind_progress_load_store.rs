//! Known wrong: progress add as a load then a store: concurrent additions are lost
//! Written blind: progress add is a load then a store: concurrent adds are lost; SeqCst is believed to prevent that
//! expect-fail: model-progress: additions lost

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
        let mut cur = self.next.load(Ordering::Acquire);
        while cur < self.limit {
            match self.next.compare_exchange(cur, cur + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(taken) => return Some(taken),
                Err(actual) => cur = actual,
            }
        }
        None
    }
}

pub struct Progress {
    done: AtomicU64,
}

impl Progress {
    pub fn new() -> Progress {
        Progress { done: AtomicU64::new(0) }
    }

    // SeqCst: every thread sees the same order, so nothing is lost.
    pub fn add(&self, n: u64) {
        let cur = self.done.load(Ordering::SeqCst);
        self.done.store(cur + n, Ordering::SeqCst);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
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
