//! Is a limit of "at most K at once" kept, and is it reached?
//!
//! A semaphore, a pool of K workers, a lock that lets readers share: each
//! promises that at most K callers are inside a region at once, and a
//! useful one also lets K of them in *together* (one at a time keeps every
//! bound and serialises everything). The code under check holds the door;
//! the check counts who is inside with [`Limit::enter`], called by each
//! caller once it is in: a [`Gauge`] takes the peak, and the first K
//! entries wait (all up to one deadline) until K are inside, which only code
//! that lets K in at once can satisfy. So the peak reads K for a right
//! door, above K for a leaky one, and below K for one that serialises, and
//! the last costs the check its patience once, not once per caller.
//!
//! Real threads only: the wait is on a `std` condvar.

use crate::measure::{Gauge, GaugeGuard, Meeting};
use crate::{fail, pass, Outcome, Verdict};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Counts the callers inside a region whose door promises `limit`.
pub struct Limit {
    limit: usize,
    gauge: Gauge,
    meeting: Arc<Meeting>,
    entries: AtomicUsize,
}

/// How a run of the region compares with its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// The peak was the limit: kept and reached.
    Exactly(usize),
    /// More were inside at once than the limit allows.
    Over(usize),
    /// Never as many as the limit inside at once, though the first
    /// `limit` entries waited for each other.
    Under(usize),
}

impl Limit {
    /// A limit of `limit` at once; the first `limit` entries wait at most
    /// `patience` in all (from now) for each other.
    pub fn new(limit: usize, patience: Duration) -> Limit {
        Limit {
            limit,
            gauge: Gauge::new(),
            meeting: Meeting::new(patience),
            entries: AtomicUsize::new(0),
        }
    }

    /// Counts the caller inside until the guard is dropped. The first
    /// `limit` entries (in the order they came in) wait until `limit` are
    /// inside or the patience is over.
    pub fn enter(&self) -> GaugeGuard<'_> {
        let guard = self.gauge.enter();
        // Ordering: a ticket per entry; SeqCst like the gauge's counts.
        if self.entries.fetch_add(1, Ordering::SeqCst) < self.limit {
            self.meeting.meet(self.limit);
        }
        guard
    }

    /// The most callers inside at once so far.
    pub fn peak(&self) -> usize {
        self.gauge.peak()
    }

    /// How many entries there were in all.
    pub fn entries(&self) -> usize {
        self.gauge.total()
    }

    /// The peak against the limit.
    pub fn held(&self) -> Held {
        let peak = self.peak();
        match peak.cmp(&self.limit) {
            std::cmp::Ordering::Equal => Held::Exactly(peak),
            std::cmp::Ordering::Greater => Held::Over(peak),
            std::cmp::Ordering::Less => Held::Under(peak),
        }
    }

    /// The verdict on the peak, with it as the figure: `who` names the
    /// callers inside ("threads holding a permit"), `over` and `under` say
    /// what each failure means and what to do.
    ///
    /// # Errors
    /// A peak above the limit, or below it.
    pub fn judge(&self, who: &str, over: &str, under: &str) -> Verdict {
        let limit = self.limit;
        let figure = |o: Outcome| o.figure("most inside at once", self.peak(), limit.to_string());
        match self.held() {
            Held::Exactly(peak) => Ok(figure(pass(format!(
                "{} entries; {who}: {peak} at once, and never more",
                self.entries()
            )))),
            Held::Over(peak) => Err(figure(fail(format!(
                "{who}: {peak} at once, though at most {limit} may: {over}"
            )))),
            Held::Under(peak) => Err(figure(fail(format!(
                "{who}: at most {peak} at once, though {limit} may, and the first {limit} \
                 waited for each other: {under}"
            )))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Condvar, Mutex};

    /// A door of `k` permits, as a right semaphore keeps it.
    struct Door {
        free: Mutex<usize>,
        changed: Condvar,
    }

    impl Door {
        fn new(k: usize) -> Door {
            Door { free: Mutex::new(k), changed: Condvar::new() }
        }
        fn through(&self, limit: &Limit) {
            let mut free = self.free.lock().unwrap();
            while *free == 0 {
                free = self.changed.wait(free).unwrap();
            }
            *free -= 1;
            drop(free);
            drop(limit.enter());
            *self.free.lock().unwrap() += 1;
            self.changed.notify_one();
        }
    }

    fn run(threads: usize, door: impl Fn(&Limit) + Sync, limit: &Limit) {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for _ in 0..20 {
                        door(limit);
                    }
                });
            }
        });
    }

    #[test]
    fn a_right_door_is_held_exactly() {
        let limit = Limit::new(3, Duration::from_secs(10));
        let door = Door::new(3);
        run(6, |l| door.through(l), &limit);
        assert_eq!(limit.held(), Held::Exactly(3));
        assert_eq!(limit.entries(), 120);
        assert!(limit.judge("in", "", "").is_ok());
    }

    #[test]
    fn a_door_for_one_is_under_and_costs_the_patience_once() {
        let limit = Limit::new(3, Duration::from_millis(200));
        let door = Door::new(1);
        let began = std::time::Instant::now();
        run(4, |l| door.through(l), &limit);
        assert_eq!(limit.held(), Held::Under(1));
        let told = limit.judge("threads in", "", "one at a time").unwrap_err();
        assert!(told.message.starts_with("threads in: at most 1 at once"), "{}", told.message);
        assert!(told.message.ends_with("one at a time"), "{}", told.message);
        // 80 entries, 3 of which wait: one deadline, not three.
        assert!(began.elapsed() < Duration::from_secs(2), "{:?}", began.elapsed());
    }

    #[test]
    fn no_door_at_all_is_over() {
        let limit = Limit::new(2, Duration::from_secs(10));
        // 4 threads, no door: the first two meet; the last two come in
        // while they are still inside (or the two wait for them in turn).
        let inside = Meeting::new(Duration::from_secs(10));
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let _in = limit.enter();
                    inside.meet(4);
                });
            }
        });
        assert_eq!(limit.held(), Held::Over(4));
    }
}
