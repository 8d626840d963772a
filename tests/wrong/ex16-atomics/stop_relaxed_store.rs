//! Known wrong: `stopped` loads with `Acquire`, but `stop` swaps the state in with `Relaxed`: the writer half of the hand-over is missing.
//! expect-fail: model-stop: STALE READ

use kata_sync::sync::atomic::{AtomicU64, Ordering};

/// Distinct ids from `first..limit`, then `None` forever.
///
/// The state is the next id to hand out, kept in `first..=limit`: `limit`
/// means "used up". It never goes past `limit`, so it cannot wrap, even
/// when `limit` is `u64::MAX`.
pub struct IdAllocator {
    next: AtomicU64,
    limit: u64,
}

impl IdAllocator {
    /// The ids `0..limit`.
    pub fn new(limit: u64) -> IdAllocator {
        IdAllocator::starting_at(0, limit)
    }

    /// The ids `first..limit` (none when `first >= limit`).
    pub fn starting_at(first: u64, limit: u64) -> IdAllocator {
        IdAllocator { next: AtomicU64::new(first.min(limit)), limit }
    }

    /// The next unused id, or `None` once every id is taken.
    pub fn next_id(&self) -> Option<u64> {
        self.next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < self.limit).then(|| n + 1))
            .ok()
    }
}

/// How many items are done so far.
pub struct Progress {
    done: AtomicU64,
}

impl Progress {
    /// Nothing done yet.
    pub fn new() -> Progress {
        Progress { done: AtomicU64::new(0) }
    }

    /// `n` more items done.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// How many items are done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

/// "Running", or "stopped, for this reason", in one atomic.
///
/// 0 means running; a stop stores `STOPPED | reason`, with a bit of its own
/// above the 32 bits of the reason, so that reason 0 is still a stop.
pub struct StopFlag {
    state: AtomicU64,
}

/// The bit that says "stopped", above the reason's 32 bits.
const STOPPED: u64 = 1 << 32;

impl StopFlag {
    /// Not stopped.
    pub fn new() -> StopFlag {
        StopFlag { state: AtomicU64::new(0) }
    }

    /// Stops, for `reason`, unless it was already stopped.
    pub fn stop(&self, reason: u32) -> bool {
        self.state
            .compare_exchange(0, STOPPED | u64::from(reason), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }

    /// `None` while running; `Some(reason)` once stopped.
    pub fn stopped(&self) -> Option<u32> {
        let state = self.state.load(Ordering::Acquire);
        (state & STOPPED != 0).then_some(state as u32)
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
