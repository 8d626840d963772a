//! Known right: every tool behind the facade's `Mutex`, no atomics at all: not the lesson (slower, and it can block), but correct by the contract, so it must pass.

use kata_sync::sync::Mutex;

pub struct IdAllocator {
    next: Mutex<u64>,
    limit: u64,
}

impl IdAllocator {
    pub fn new(limit: u64) -> IdAllocator {
        IdAllocator::starting_at(0, limit)
    }

    pub fn starting_at(first: u64, limit: u64) -> IdAllocator {
        IdAllocator { next: Mutex::new(first), limit }
    }

    pub fn next_id(&self) -> Option<u64> {
        let mut next = self.next.lock().unwrap();
        if *next >= self.limit {
            return None;
        }
        *next += 1;
        Some(*next - 1)
    }
}

pub struct Progress {
    done: Mutex<u64>,
}

impl Progress {
    pub fn new() -> Progress {
        Progress { done: Mutex::new(0) }
    }

    pub fn add(&self, n: u64) {
        *self.done.lock().unwrap() += n;
    }

    pub fn done(&self) -> u64 {
        *self.done.lock().unwrap()
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

pub struct StopFlag {
    reason: Mutex<Option<u32>>,
}

impl StopFlag {
    pub fn new() -> StopFlag {
        StopFlag { reason: Mutex::new(None) }
    }

    pub fn stop(&self, reason: u32) -> bool {
        let mut current = self.reason.lock().unwrap();
        if current.is_some() {
            return false;
        }
        *current = Some(reason);
        true
    }

    pub fn stopped(&self) -> Option<u32> {
        *self.reason.lock().unwrap()
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
