//! Resources a check hands to async code under test, with their lifetimes
//! noted on the runtime's clock (feature `async`): when each was taken,
//! when it was released, and whether the work holding it had finished by
//! then or was dropped half-way (cancelled).
//!
//! A [`Ledger`] is the check's side. [`Ledger::job`] builds the future the
//! code under test is handed: at its first poll it takes a [`Held`] (a
//! "connection"), waits its latency on the runtime's clock, marks itself
//! finished and gives its output. If the code under test drops the future
//! before that (a `tokio::time::timeout` firing, a `select!` branch losing,
//! the caller giving up), the `Held` is released at that instant, unfinished;
//! if it lets the future run on (a spawned task nobody aborts), the ledger
//! shows it still held. On the paused clock every instant is exact.
//!
//! Nothing the code under test says is used: the times are the ledger's.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// One resource's life, in times since the ledger was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    /// The label it was taken with (an attempt's number, a task's index).
    pub label: u32,
    /// When it was taken: the job's first poll.
    pub taken: Duration,
    /// When it was released (dropped), if it has been.
    pub released: Option<Duration>,
    /// Whether the job holding it ran to its end before it was released.
    pub finished: bool,
}

#[derive(Debug)]
struct Inner {
    epoch: Instant,
    lives: Vec<Life>,
}

/// The check's record of every resource it handed out.
#[derive(Debug, Clone)]
pub struct Ledger {
    inner: Arc<Mutex<Inner>>,
}

/// A resource taken from a [`Ledger`]: released when dropped.
#[derive(Debug)]
pub struct Held {
    inner: Arc<Mutex<Inner>>,
    index: usize,
}

fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger::new()
    }
}

impl Ledger {
    /// A new ledger whose times count from now, on the runtime's clock (make
    /// it inside the runtime for the paused clock's times).
    pub fn new() -> Ledger {
        Ledger { inner: Arc::new(Mutex::new(Inner { epoch: Instant::now(), lives: Vec::new() })) }
    }

    /// The time since the ledger was made.
    pub fn now(&self) -> Duration {
        lock(&self.inner).epoch.elapsed()
    }

    /// Takes a resource now, labelled `label`.
    pub fn take(&self, label: u32) -> Held {
        let mut inner = lock(&self.inner);
        let taken = inner.epoch.elapsed();
        inner.lives.push(Life { label, taken, released: None, finished: false });
        Held { inner: Arc::clone(&self.inner), index: inner.lives.len() - 1 }
    }

    /// A job for the code under test: at its first poll it takes a resource
    /// labelled `label`, holds it for `latency`, then finishes with `output`
    /// (and releases it).
    pub fn job<T: Send + 'static>(
        &self,
        label: u32,
        latency: Duration,
        output: T,
    ) -> impl Future<Output = T> + Send + 'static {
        let ledger = self.clone();
        async move {
            let held = ledger.take(label);
            tokio::time::sleep(latency).await;
            held.finish();
            output
        }
    }

    /// Every resource taken so far, in the order taken.
    pub fn lives(&self) -> Vec<Life> {
        lock(&self.inner).lives.clone()
    }

    /// The resources taken and not yet released.
    pub fn held(&self) -> Vec<Life> {
        self.lives().into_iter().filter(|l| l.released.is_none()).collect()
    }
}

/// A function for the code under test that notes every argument it is
/// called with, and answers `f(i, argument)` for the `i`-th call (from 0).
/// The notes are the second value.
pub fn noting<A: Clone, R>(
    mut f: impl FnMut(usize, A) -> R,
) -> (impl FnMut(A) -> R, Arc<Mutex<Vec<A>>>) {
    let notes: Arc<Mutex<Vec<A>>> = Arc::default();
    let mine = Arc::clone(&notes);
    let noted = move |a: A| {
        let i = {
            let mut notes = mine.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            notes.push(a.clone());
            notes.len() - 1
        };
        f(i, a)
    };
    (noted, notes)
}

impl Life {
    /// How it ended, for a message: "at 1.2 s, finished", "at 200 ms,
    /// dropped unfinished", or "never".
    pub fn ended(&self) -> String {
        match self.released {
            None => "never".into(),
            Some(r) => {
                let how = if self.finished { "finished" } else { "dropped unfinished" };
                format!("at {}, {how}", crate::protocol::human_duration(r))
            }
        }
    }
}

impl Held {
    /// Notes that the work holding it ran to its end.
    pub fn finish(&self) {
        lock(&self.inner).lives[self.index].finished = true;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut inner = lock(&self.inner);
        let now = inner.epoch.elapsed();
        inner.lives[self.index].released = Some(now);
    }
}

/// Where what a ledger saw first differs from what was due, both in the
/// order taken ([`diverges`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Divergence {
    /// The `k`-th (from 0) was due and never taken.
    Missing(usize),
    /// The `k`-th was taken with another label than due.
    Label(usize),
    /// The `k`-th was taken at another time than due.
    Taken(usize),
    /// The `k`-th was released at another time (or never), or finished
    /// where it was due to be dropped, or the other way round.
    Released(usize),
    /// More were taken than due: the `k`-th is the first extra one.
    Extra(usize),
}

/// The first place, in order, where `seen` differs from `due`: each life's
/// label, then when it was taken, then how it ended, before the next.
pub fn diverges(due: &[Life], seen: &[Life]) -> Option<Divergence> {
    for (k, want) in due.iter().enumerate() {
        let Some(got) = seen.get(k) else { return Some(Divergence::Missing(k)) };
        if got.label != want.label {
            return Some(Divergence::Label(k));
        }
        if got.taken != want.taken {
            return Some(Divergence::Taken(k));
        }
        if (got.released, got.finished) != (want.released, want.finished) {
            return Some(Divergence::Released(k));
        }
    }
    (seen.len() > due.len()).then_some(Divergence::Extra(due.len()))
}

/// Times in a list: "0.0 ms, 100 ms, 1.2 s".
pub fn times(of: impl IntoIterator<Item = Duration>) -> String {
    of.into_iter().map(crate::protocol::human_duration).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;
    use crate::service::run_paused;

    #[test]
    fn a_timeout_releases_the_job_at_its_deadline_and_a_spawned_job_runs_on() {
        let run = run_paused(ms(5000), "jobs", || async {
            let ledger = Ledger::new();
            assert_eq!(ledger.job(1, ms(30), "a").await, "a");
            let late = tokio::time::timeout(ms(100), ledger.job(2, ms(500), "b")).await;
            assert!(late.is_err());
            // A timeout on a JoinHandle returns, and the task goes on.
            let task = tokio::spawn(ledger.job(3, ms(500), "c"));
            assert!(tokio::time::timeout(ms(100), task).await.is_err());
            let held = ledger.held();
            tokio::time::sleep(ms(1000)).await;
            (ledger.lives(), held, ledger.now())
        })
        .unwrap();
        let (lives, held, now) = run.value;
        let life = |label, taken, released: Option<u64>, finished| Life {
            label,
            taken: ms(taken),
            released: released.map(ms),
            finished,
        };
        assert_eq!(
            lives,
            [
                life(1, 0, Some(30), true),
                life(2, 30, Some(130), false),
                life(3, 130, Some(630), true),
            ]
        );
        assert_eq!(held, [life(3, 130, None, false)]);
        assert_eq!(now, ms(1230));
        assert_eq!(diverges(&lives, &lives), None);
        assert_eq!(diverges(&lives, &lives[..1]), Some(Divergence::Missing(1)));
        assert_eq!(diverges(&lives[..2], &lives), Some(Divergence::Extra(2)));
        let mut seen = lives.clone();
        seen[1].finished = true;
        assert_eq!(diverges(&lives, &seen), Some(Divergence::Released(1)));
        seen[1].taken = ms(31);
        assert_eq!(diverges(&lives, &seen), Some(Divergence::Taken(1)));
        seen[0].label = 7;
        assert_eq!(diverges(&lives, &seen), Some(Divergence::Label(0)));
        assert_eq!(times(lives.iter().map(|l| l.taken)), "0.0 ms, 30 ms, 130 ms");
        assert_eq!(
            (seen[2].ended(), seen[1].ended()),
            ("at 630 ms, finished".into(), "at 130 ms, finished".into())
        );
        assert_eq!(held[0].ended(), "never");
        let (mut double, notes) = noting(|i, d: u32| d * 2 + i as u32);
        assert_eq!((double(5), double(5)), (10, 11));
        assert_eq!(*notes.lock().unwrap(), [5, 5]);
    }
}
