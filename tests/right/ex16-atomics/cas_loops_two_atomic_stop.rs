//! Known right: explicit `compare_exchange_weak` loops instead of `fetch_update`, `SeqCst` on the progress count (stronger than needed, still right), and a stop flag in two atomics: a state that is claimed, then published with `Release` after the reason is written.

use kata_sync::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering};

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
        let mut n = self.next.load(Ordering::Relaxed);
        loop {
            if n >= self.limit {
                return None;
            }
            match self.next.compare_exchange_weak(n, n + 1, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(n),
                Err(now) => n = now,
            }
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

    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::SeqCst);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

const RUNNING: u8 = 0;
const CLAIMED: u8 = 1;
const PUBLISHED: u8 = 2;

pub struct StopFlag {
    state: AtomicU8,
    reason: AtomicU32,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU8::new(RUNNING), reason: AtomicU32::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        // Only one thread claims; it writes the reason, then publishes with
        // Release, which carries the reason and everything before it.
        if self
            .state
            .compare_exchange(RUNNING, CLAIMED, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        self.reason.store(reason, Ordering::Relaxed);
        self.state.store(PUBLISHED, Ordering::Release);
        true
    }

    pub fn stopped(&self) -> Option<u32> {
        // A claimed but unpublished stop is not seen yet: None, as before.
        (self.state.load(Ordering::Acquire) == PUBLISHED).then(|| self.reason.load(Ordering::Relaxed))
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
