//! Known wrong: stop as a load, then a store: two stoppers both win
//! Written blind: stop checks with a load then stores: two simultaneous stops both return true and the later reason overwrites the first
//! expect-fail: model-stop: exactly one must win

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
        let start = if first > limit { limit } else { first };
        IdAllocator { next: AtomicU64::new(start), limit }
    }

    pub fn next_id(&self) -> Option<u64> {
        let mut cur = self.next.load(Ordering::SeqCst);
        loop {
            if cur >= self.limit {
                return None;
            }
            match self.next.compare_exchange_weak(cur, cur + 1, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => return Some(cur),
                Err(actual) => cur = actual,
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
        if self.state.load(Ordering::Acquire) != 0 {
            return false;
        }
        self.state.store(STOPPED | u64::from(reason), Ordering::Release);
        true
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
