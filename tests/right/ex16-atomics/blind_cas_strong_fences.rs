//! Known right: a strong compare-exchange loop; the stop flag published by fence(Release) before a Relaxed CAS and fence(Acquire) after a Relaxed load.
//! Written blind: right: strong compare_exchange loop with AcqRel/Acquire; stop flag published by fence(Release) before a Relaxed CAS and fence(Acquire) after a Relaxed load

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
    state: AtomicU64,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU64::new(0) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        // A release fence before the (relaxed) store that wins: a thread whose
        // acquire fence follows a load of that value sees what came before.
        fence(Ordering::Release);
        self.state
            .compare_exchange(0, STOPPED | u64::from(reason), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }

    pub fn stopped(&self) -> Option<u32> {
        let s = self.state.load(Ordering::Relaxed);
        if s & STOPPED == 0 {
            return None;
        }
        fence(Ordering::Acquire);
        Some(s as u32)
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
