//! ex09 · Barrier phases: the reference solution.
//!
//! The barrier is a count of arrivals and a generation number under one
//! `Mutex`, and a `Condvar` to sleep on. The count alone cannot tell a
//! waiter that its generation is over: the last arrival resets it to 0 for
//! the next generation, and from then on "0 arrived" means both "nobody yet"
//! and "everyone, just now". The generation number only ever grows, so a
//! waiter that remembers the one it arrived in knows, at every wake-up,
//! whether it has been released: spurious wake-ups, fast threads that are
//! already back in `wait` for the next generation, and the reset count all
//! leave that answer right.

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::thread;

/// A reusable meeting point for `n` threads.
pub struct Barrier {
    /// How many threads make a generation (at least 1).
    n: usize,
    state: Mutex<State>,
    /// Notified (all) by the last arrival of each generation.
    released: Condvar,
}

struct State {
    /// Arrivals in the current generation: 0 to n - 1 between calls.
    arrived: usize,
    /// How many generations have been released so far.
    generation: u64,
}

/// What `wait` returns: whether this thread was its generation's leader.
pub struct BarrierWaitResult {
    leader: bool,
}

impl BarrierWaitResult {
    /// `true` for exactly one thread of each generation.
    pub fn is_leader(&self) -> bool {
        self.leader
    }
}

impl Barrier {
    /// A barrier for `n` threads (`0` acts as `1`, as std's does: a barrier
    /// for nobody would otherwise never be completed by anyone).
    pub fn new(n: usize) -> Self {
        Barrier {
            n: n.max(1),
            state: Mutex::new(State {
                arrived: 0,
                generation: 0,
            }),
            released: Condvar::new(),
        }
    }

    /// Blocks until `n` threads have called `wait` in this generation, then
    /// returns in all of them; the `n`-th arrival is the leader.
    pub fn wait(&self) -> BarrierWaitResult {
        // One lock scope for the whole call (the condvar wait gives the lock
        // up while asleep and takes it back on waking): arriving, deciding
        // who is last, and releasing are one step each under the lock, so no
        // two threads can both be the n-th, and no arrival slips between the
        // last one's reset and its notify.
        let mut state = self.lock();
        let mine = state.generation;
        state.arrived += 1;
        if state.arrived == self.n {
            // The last arrival: open the next generation before anyone can
            // re-enter (they need this lock), then wake every waiter. Every
            // waiter waits for this same news, so notify_all: notify_one
            // would wake one and leave the others asleep for good.
            state.arrived = 0;
            state.generation += 1;
            self.released.notify_all();
            return BarrierWaitResult { leader: true };
        }
        // A wake-up only means "look again": sleep for as long as the
        // generation this thread arrived in is still the current one. A
        // thread of the next generation counts itself in `arrived` but never
        // moves `generation` until that generation is complete, so it cannot
        // release this one early.
        while state.generation == mine {
            state = self.released.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        BarrierWaitResult { leader: false }
    }

    /// The state, even if a thread panicked while holding it: every change
    /// under this lock is one assignment, so the state is never half-done.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs `work(worker, phase)` for `k` workers through `p` phases, on the
/// same `k` threads for every phase, none starting phase `j + 1` before all
/// have finished phase `j`. Returns `results[phase][worker]`.
pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    if k == 0 {
        // Nobody to run: p empty rows, and no thread started.
        return (0..p).map(|_| Vec::new()).collect();
    }
    let barrier = Barrier::new(k);
    let (barrier, work) = (&barrier, &work);
    // Scoped threads may borrow `work` and the barrier from this frame; each
    // is joined before `scope` returns. One thread per worker, started once:
    // the phases meet at the barrier, not at a join.
    let columns: Vec<Vec<T>> = thread::scope(|scope| {
        let workers: Vec<_> = (0..k)
            .map(|worker| {
                scope.spawn(move || {
                    let mut mine = Vec::with_capacity(p);
                    for phase in 0..p {
                        mine.push(work(worker, phase));
                        // Nobody goes on to phase + 1 until all k are here.
                        // (After the last phase this wait is not needed for
                        // the order, but it costs nothing and keeps the loop
                        // plain.)
                        barrier.wait();
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    // k columns of p results each, turned into p rows of k, in worker order.
    let mut columns: Vec<_> = columns.into_iter().map(Vec::into_iter).collect();
    (0..p)
        .map(|_| {
            columns
                .iter_mut()
                .map(|c| c.next().expect("p results per worker"))
                .collect()
        })
        .collect()
}
