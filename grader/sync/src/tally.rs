//! What each thread did through the facade: how many locks it took, and how
//! many atomic read-modify-writes the grader's instruments saw it make.
//!
//! Structure that a final count cannot show is in these numbers: four
//! threads adding 1 000 each under one lock scope per addition take the lock
//! 4 000 times; under one lock held across the loop, 4 times. The facade's
//! [`Mutex`](crate::sync::Mutex) counts its acquisitions here; an instrument a
//! check hands to the code under check (an atomic counter of its own) calls
//! [`read_modify_write`].
//!
//! Counting is cheap on real threads: each thread writes cells of its own
//! (no other thread writes them, so no read-modify-write is needed), found
//! through a thread-local; a registry keeps every thread's cells, ended
//! threads' too, for [`snapshot`]. Under a model checker, whose threads all
//! run on one OS thread, the counts are kept by the checker's thread id and
//! start again at every execution.

use crate::thread::ThreadId;

/// What one thread did through the facade.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Locks taken (a `Condvar` wait that takes its lock back counts too).
    pub locks: u64,
    /// Atomic read-modify-writes made through the grader's instruments.
    pub read_modify_writes: u64,
}

impl Tally {
    fn minus(self, earlier: Tally) -> Tally {
        Tally {
            locks: self.locks - earlier.locks,
            read_modify_writes: self.read_modify_writes - earlier.read_modify_writes,
        }
    }

    #[cfg(all(test, not(any(kata_shuttle, kata_loom))))]
    fn plus(self, more: Tally) -> Tally {
        Tally {
            locks: self.locks + more.locks,
            read_modify_writes: self.read_modify_writes + more.read_modify_writes,
        }
    }

    /// Whether the thread did nothing that is counted.
    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }
}

/// Every thread's tally at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    threads: Vec<(ThreadId, Tally)>,
}

impl Snapshot {
    /// What each thread did since `earlier`: threads that did nothing counted
    /// are left out, in the order they were first seen.
    pub fn since(&self, earlier: &Snapshot) -> Vec<(ThreadId, Tally)> {
        self.threads
            .iter()
            .map(|&(id, now)| (id, now.minus(earlier.of(id))))
            .filter(|(_, tally)| !tally.is_empty())
            .collect()
    }

    /// One thread's tally (nothing, for a thread never seen).
    pub fn of(&self, id: ThreadId) -> Tally {
        self.threads
            .iter()
            .find(|(seen, _)| *seen == id)
            .map_or_else(Tally::default, |(_, tally)| *tally)
    }
}

/// What a thread counts.
#[derive(Clone, Copy)]
enum Kind {
    Lock,
    ReadModifyWrite,
}

/// Counts a lock taken by the calling thread.
pub(crate) fn locked() {
    imp::bump(Kind::Lock);
}

/// Counts an atomic read-modify-write made by the calling thread, for an
/// instrument that the grader hands to the code under check.
pub fn read_modify_write() {
    imp::bump(Kind::ReadModifyWrite);
}

/// The calling thread's tally so far.
pub fn this_thread() -> Tally {
    snapshot().of(crate::thread::current().id())
}

/// Every thread's tally so far.
pub fn snapshot() -> Snapshot {
    Snapshot { threads: imp::all() }
}

/// Forgets every count: a model checker's next execution starts again.
#[cfg(any(kata_shuttle, kata_loom))]
pub(crate) fn reset() {
    imp::reset();
}

#[cfg(not(any(kata_shuttle, kata_loom)))]
mod imp {
    use super::{Kind, Tally};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread::ThreadId;

    /// One thread's counts, written by that thread alone.
    #[derive(Default)]
    struct Cells {
        locks: AtomicU64,
        read_modify_writes: AtomicU64,
    }

    impl Cells {
        fn read(&self) -> Tally {
            // Ordering: Acquire pairs with the writer's Release, so a tally
            // read after a join (or on the thread itself) is complete.
            Tally {
                locks: self.locks.load(Ordering::Acquire),
                read_modify_writes: self.read_modify_writes.load(Ordering::Acquire),
            }
        }
    }

    /// Every thread that counted something, in the order they first did.
    static ALL: Mutex<Vec<(ThreadId, Arc<Cells>)>> = Mutex::new(Vec::new());

    thread_local! {
        static MINE: Arc<Cells> = {
            let cells = Arc::new(Cells::default());
            ALL.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((std::thread::current().id(), Arc::clone(&cells)));
            cells
        };
    }

    pub(super) fn bump(kind: Kind) {
        // A thread being torn down (a guard dropped by a thread-local's
        // destructor) is no longer counted.
        let _ = MINE.try_with(|cells| {
            let cell = match kind {
                Kind::Lock => &cells.locks,
                Kind::ReadModifyWrite => &cells.read_modify_writes,
            };
            // Only this thread writes its cells: a load and a store suffice.
            // Ordering: Release, paired with `read`.
            cell.store(cell.load(Ordering::Relaxed) + 1, Ordering::Release);
        });
    }

    pub(super) fn all() -> Vec<(ThreadId, Tally)> {
        ALL.lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(id, cells)| (*id, cells.read()))
            .collect()
    }
}

#[cfg(any(kata_shuttle, kata_loom))]
mod imp {
    use super::{Kind, Tally};
    use crate::thread::ThreadId;
    use std::sync::Mutex;

    /// The model checker runs every thread of an execution on one OS thread,
    /// so this std mutex is never contended and adds no scheduling point.
    static ALL: Mutex<Vec<(ThreadId, Tally)>> = Mutex::new(Vec::new());

    pub(super) fn bump(kind: Kind) {
        let change = |tally: &mut Tally| match kind {
            Kind::Lock => tally.locks += 1,
            Kind::ReadModifyWrite => tally.read_modify_writes += 1,
        };
        if std::thread::panicking() {
            // A failed execution being torn down has no current thread.
            return;
        }
        let id = crate::thread::current().id();
        let mut all = ALL.lock().unwrap_or_else(|e| e.into_inner());
        match all.iter_mut().find(|(seen, _)| *seen == id) {
            Some((_, tally)) => change(tally),
            None => {
                let mut tally = Tally::default();
                change(&mut tally);
                all.push((id, tally));
            }
        }
    }

    pub(super) fn all() -> Vec<(ThreadId, Tally)> {
        ALL.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(super) fn reset() {
        ALL.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(all(test, not(any(kata_shuttle, kata_loom))))]
mod tests {
    use super::*;
    use crate::sync::Mutex;

    #[test]
    fn each_thread_counts_its_own_locks_and_ended_threads_stay_counted() {
        let lock = std::sync::Arc::new(Mutex::new(0));
        let before = snapshot();
        let worker = {
            let lock = std::sync::Arc::clone(&lock);
            std::thread::spawn(move || {
                for _ in 0..5 {
                    *lock.lock().unwrap() += 1;
                }
                read_modify_write();
                std::thread::current().id()
            })
        };
        let worker = worker.join().unwrap();
        drop(lock.lock().unwrap());
        let me = std::thread::current().id();
        let mut since = snapshot().since(&before);
        // Other tests run on threads of their own at the same time.
        since.retain(|(id, _)| *id == worker || *id == me);
        since.sort_by_key(|(id, _)| *id != worker);
        let worker_did = Tally { locks: 5, read_modify_writes: 1 };
        let i_did = Tally { locks: 1, read_modify_writes: 0 };
        assert_eq!(since, [(worker, worker_did), (me, i_did)]);
        assert_eq!(lock.times_locked(), 6);
        assert_eq!(this_thread(), before.of(me).plus(i_did));
    }
}
