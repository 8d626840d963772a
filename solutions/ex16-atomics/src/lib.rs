//! # ex16 · Atomics: the reference
//!
//! Three tools on atomics, no lock. Every `Ordering` is commented: what it
//! orders, and why nothing weaker would do (or why nothing stronger is
//! needed).

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
        // An empty range starts used up: `min` keeps the state in range.
        IdAllocator {
            next: AtomicU64::new(first.min(limit)),
            limit,
        }
    }

    /// The next unused id, or `None` once every id is taken.
    pub fn next_id(&self) -> Option<u64> {
        // One compare-exchange loop (`fetch_update` writes it for us): read
        // the state, and if an id is left, swap in `n + 1` only if the state
        // is still `n`; if another thread got there first, look again. When
        // the range is used up the closure returns `None` and nothing is
        // written, so the state stays at `limit` however often we are asked.
        // A `fetch_add` would hand out distinct ids too, but it adds
        // whatever the state, runs past `limit` and, at `u64::MAX`, wraps
        // back to 0.
        //
        // Ordering: Relaxed on both sides. The id is the only thing handed
        // over, and every read-modify-write of one atomic sees the latest
        // value in its order of writes, so no two calls can take the same
        // `n`. Nothing else is published through the allocator.
        self.next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < self.limit).then(|| n + 1)
            })
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
        Progress {
            done: AtomicU64::new(0),
        }
    }

    /// `n` more items done.
    pub fn add(&self, n: u64) {
        // Ordering: Relaxed. The count is the only thing shared: no reader
        // uses it to decide that some other data is ready, so there is
        // nothing to order it against. `fetch_add` is indivisible whatever
        // the ordering, so no addition is lost; a thread's reads of one
        // atomic never go back in its order of writes (coherence), so a
        // monitor never sees the total fall; and whoever needs the final
        // total joins the workers first, and the join is what makes every
        // addition visible.
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// How many items are done so far.
    pub fn done(&self) -> u64 {
        // Ordering: Relaxed, as above: a snapshot of a number, nothing more.
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
        StopFlag {
            state: AtomicU64::new(0),
        }
    }

    /// Stops, for `reason`, unless it was already stopped.
    pub fn stop(&self, reason: u32) -> bool {
        // One compare-exchange: running -> stopped for this reason. Only one
        // thread can see 0 and swap it, so the first stop wins and the
        // reason is written in the same step as the flag: no reader can see
        // the one without the other.
        //
        // Ordering: Release on success. It publishes everything this thread
        // wrote before the stop: a thread whose Acquire load reads this
        // value sees those writes too. Relaxed would let a worker see the
        // flag and still read the old value of the answer it was stored
        // for. On failure we wrote nothing and publish nothing: Relaxed.
        self.state
            .compare_exchange(
                0,
                STOPPED | u64::from(reason),
                Ordering::Release,
                Ordering::Relaxed,
            )
            .is_ok()
    }

    /// `None` while running; `Some(reason)` once stopped.
    pub fn stopped(&self) -> Option<u32> {
        // Ordering: Acquire, the other half of the stop's Release: once this
        // load reads the stopped state, what the stopping thread wrote
        // before it is visible here. (A Relaxed load could see the flag and
        // still miss those writes; on x86 it would not, on ARM it may.)
        let state = self.state.load(Ordering::Acquire);
        // The low 32 bits are the reason: the cast keeps exactly them.
        (state & STOPPED != 0).then_some(state as u32)
    }
}

impl Default for StopFlag {
    fn default() -> StopFlag {
        StopFlag::new()
    }
}
