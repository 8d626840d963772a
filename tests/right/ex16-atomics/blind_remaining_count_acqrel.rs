//! Known right: the allocator counts the ids left (checked_sub in fetch_update); progress Release/Acquire; the stop bit set by fetch_update with AcqRel.
//! Written blind: right: allocator counts ids remaining (checked_sub in fetch_update, AcqRel), Release/Acquire counter, stop via fetch_update(AcqRel) with bit 63

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

const STOPPED: u64 = 1 << 63;

pub struct StopFlag {
    state: AtomicU64,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU64::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        self.state
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
                (s & STOPPED == 0).then_some(STOPPED | u64::from(reason))
            })
            .is_ok()
    }

    pub fn stopped(&self) -> Option<u32> {
        let s = self.state.load(Ordering::Acquire);
        if s & STOPPED != 0 { Some((s & 0xffff_ffff) as u32) } else { None }
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
