//! Known right: the allocator lets the state run past the limit but never wraps (`checked_add` refuses at u64::MAX), and the stop flag pairs a Relaxed compare-exchange and load with a Release fence before it and an Acquire fence after it.

use kata_sync::sync::atomic::{fence, AtomicU64, Ordering};

pub struct IdAllocator {
    next: AtomicU64,
    first: u64,
    limit: u64,
}

impl IdAllocator {
    pub fn new(limit: u64) -> IdAllocator {
        IdAllocator::starting_at(0, limit)
    }

    pub fn starting_at(first: u64, limit: u64) -> IdAllocator {
        IdAllocator { next: AtomicU64::new(first), first, limit }
    }

    pub fn next_id(&self) -> Option<u64> {
        if self.first >= self.limit {
            return None;
        }
        // Past the limit the state climbs harmlessly, and stops at u64::MAX.
        let n = self.next.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1));
        match n {
            Ok(n) if n < self.limit => Some(n),
            _ => None,
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
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

pub struct StopFlag {
    state: AtomicU64,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU64::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        fence(Ordering::Release);
        self.state
            .compare_exchange(0, (1 << 32) | u64::from(reason), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }

    pub fn stopped(&self) -> Option<u32> {
        let state = self.state.load(Ordering::Relaxed);
        if state == 0 {
            return None;
        }
        fence(Ordering::Acquire);
        Some(state as u32)
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
