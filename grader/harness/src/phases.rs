//! Did threads meet between rounds? A recorder for barriers and phased work
//! (feature `model`).
//!
//! `n` parties run through rounds; no party may *begin* round `r + 1` before
//! all `n` have *ended* round `r`. A barrier check calls [`Rounds::begin`]
//! after each `wait` returns (and before the first), [`Rounds::end`] just
//! before each `wait`; a phased runner's work calls `begin` as it starts a
//! phase and `end` as it finishes it. The first begin that came too early is
//! kept as a [`Broken`] (and returned, so that a model-checked scenario can
//! panic at that very step); [`Rounds::judge`] then also requires every
//! round complete, one leader per round where leaders were told
//! ([`Rounds::lead`]), and each party on one thread of its own throughout.
//!
//! Counts are std atomics and the thread table a std `Mutex` held only to
//! write one cell, never across anything a model checker schedules, so the
//! recorder serves real threads and shuttle alike. Threads are told apart by
//! the facade's `thread::current().id()` (under shuttle all model threads
//! share one OS thread).

use kata_sync::thread::{self, ThreadId};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Mutex;

/// The parties' rounds as seen so far.
pub struct Rounds {
    n: usize,
    ended: Vec<AtomicUsize>,
    begun: Vec<AtomicUsize>,
    leaders: Vec<AtomicUsize>,
    threads: Mutex<Vec<Vec<Option<ThreadId>>>>,
    first: Mutex<Option<Broken>>,
}

/// The first thing that broke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// `who` began `round` when only `ended` of `n` had ended the one before.
    Early { who: usize, round: usize, ended: usize, n: usize },
    /// `round` had `leaders` leaders, not one.
    Leaders { round: usize, leaders: usize },
    /// Only `begun` of `n` parties began `round` (some never got past the
    /// meeting before it).
    Missing { round: usize, begun: usize, n: usize },
    /// Party `who` began round 0 and round `round` on different threads.
    Moved { who: usize, round: usize },
    /// Parties `a` and `b` ran on one thread.
    Shared { a: usize, b: usize },
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Broken::Early { who, round, ended, n } => write!(
                f,
                "party {who} began round {round} when only {ended} of {n} had ended round {}",
                round - 1
            ),
            Broken::Leaders { round, leaders } => {
                write!(f, "round {round} had {leaders} leaders, not 1")
            }
            Broken::Missing { round, begun, n } => {
                write!(f, "only {begun} of {n} parties began round {round}")
            }
            Broken::Moved { who, round } => {
                write!(f, "party {who} ran round 0 and round {round} on different threads")
            }
            Broken::Shared { a, b } => write!(f, "parties {a} and {b} ran on one thread"),
        }
    }
}

impl Rounds {
    /// `n` parties through `rounds` rounds (rounds numbered from 0).
    pub fn new(n: usize, rounds: usize) -> Rounds {
        let counts = || (0..rounds).map(|_| AtomicUsize::new(0)).collect::<Vec<_>>();
        Rounds {
            n,
            ended: counts(),
            begun: counts(),
            leaders: counts(),
            threads: Mutex::new(vec![vec![None; rounds]; n]),
            first: Mutex::new(None),
        }
    }

    /// Party `who` begins `round` on the calling thread. Too early (not all
    /// `n` ended the round before) is the [`Broken::Early`] returned, and
    /// kept if it is the first break. A round past the last is not counted.
    pub fn begin(&self, who: usize, round: usize) -> Result<(), Broken> {
        if let Some(begun) = self.begun.get(round) {
            begun.fetch_add(1, SeqCst);
            let mut threads = self.threads.lock().unwrap_or_else(|e| e.into_inner());
            threads[who][round] = Some(thread::current().id());
        }
        let ended = match round.checked_sub(1).and_then(|before| self.ended.get(before)) {
            Some(ended) => ended.load(SeqCst),
            None => return Ok(()),
        };
        if ended >= self.n {
            return Ok(());
        }
        let broken = Broken::Early { who, round, ended, n: self.n };
        self.first.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(broken.clone());
        Err(broken)
    }

    /// A party ends `round` (it arrives at the meeting after it).
    pub fn end(&self, round: usize) {
        self.ended[round].fetch_add(1, SeqCst);
    }

    /// One party says it led `round`.
    pub fn lead(&self, round: usize) {
        self.leaders[round].fetch_add(1, SeqCst);
    }

    /// Once every party is done: the first early begin; else a round that
    /// not all began; else one of the first `led` rounds whose leaders were
    /// not one (a barrier's last round, after its last wait, has none); else (when `same_threads` is set) a party that changed
    /// threads or shared one with another.
    pub fn judge(&self, led: usize, same_threads: bool) -> Result<(), Broken> {
        if let Some(first) = self.first.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Err(first);
        }
        for (round, begun) in self.begun.iter().enumerate() {
            let begun = begun.load(SeqCst);
            if begun != self.n {
                return Err(Broken::Missing { round, begun, n: self.n });
            }
        }
        for (round, count) in self.leaders.iter().enumerate().take(led) {
            match count.load(SeqCst) {
                1 => {}
                leaders => return Err(Broken::Leaders { round, leaders }),
            }
        }
        if !same_threads {
            return Ok(());
        }
        let threads = self.threads.lock().unwrap_or_else(|e| e.into_inner());
        for (who, rounds) in threads.iter().enumerate() {
            if let Some(round) = rounds.iter().position(|t| *t != rounds[0]) {
                return Err(Broken::Moved { who, round });
            }
            if let Some(a) = threads[..who].iter().position(|other| other[0] == rounds[0]) {
                return Err(Broken::Shared { a, b: who });
            }
        }
        Ok(())
    }
}

#[cfg(all(test, not(any(kata_shuttle, kata_loom))))]
mod tests {
    use super::*;

    #[test]
    fn a_met_round_passes_and_an_early_begin_is_kept() {
        let rounds = Rounds::new(2, 2);
        std::thread::scope(|s| {
            for who in 0..2 {
                let rounds = &rounds;
                s.spawn(move || {
                    rounds.begin(who, 0).unwrap();
                    rounds.end(0);
                });
            }
        });
        assert_eq!(rounds.judge(0, false), Err(Broken::Missing { round: 1, begun: 0, n: 2 }));
        rounds.begin(0, 1).unwrap();
        rounds.lead(0);
        rounds.lead(1);
        rounds.lead(1);
        assert_eq!(rounds.judge(2, false), Err(Broken::Missing { round: 1, begun: 1, n: 2 }));
        rounds.begin(1, 1).unwrap();
        assert_eq!(rounds.judge(2, false), Err(Broken::Leaders { round: 1, leaders: 2 }));
        // Parties 0 and 1 began round 0 on threads of their own but round 1
        // both on this one.
        assert_eq!(rounds.judge(0, true), Err(Broken::Moved { who: 0, round: 1 }));

        let early = Rounds::new(3, 2);
        early.begin(0, 0).unwrap();
        early.end(0);
        let broken = early.begin(0, 1).unwrap_err();
        assert_eq!(broken.to_string(), "party 0 began round 1 when only 1 of 3 had ended round 0");
        assert_eq!(early.judge(0, false), Err(broken));
    }

    #[test]
    fn parties_on_one_thread_are_found() {
        let rounds = Rounds::new(2, 1);
        rounds.begin(0, 0).unwrap();
        rounds.begin(1, 0).unwrap();
        assert_eq!(rounds.judge(0, true), Err(Broken::Shared { a: 0, b: 1 }));
        assert_eq!(rounds.judge(0, false), Ok(()));
        assert_eq!(
            Rounds::new(2, 3).begin(1, 3),
            Err(Broken::Early { who: 1, round: 3, ended: 0, n: 2 })
        );
    }
}
