//! A group's jobs seen as lives, for checks that hold them to a schedule:
//! each started job's label, when it started, when it was dropped and
//! whether it had ended by then ([`Group::lives`]), compared with the lives
//! a model of the schedule gives ([`diverges`]).

use super::Group;
use crate::protocol::human_duration;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One started job's life, in times since the group's epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    /// The label it was made with (an attempt's number), else its number.
    pub label: u32,
    /// When it was taken: its first poll.
    pub taken: Duration,
    /// When it was released (its future dropped), if it has been.
    pub released: Option<Duration>,
    /// Whether it ran to its end before it was released.
    pub finished: bool,
}

impl Group {
    /// The jobs that have started, in the order they started, as lives.
    pub fn lives(&self) -> Vec<Life> {
        let jobs = self.jobs();
        let life = |&i: &usize| {
            let n = jobs.notes[i];
            let (taken, released) = (n.started.unwrap_or_default(), n.dropped);
            Life { label: jobs.labels[i], taken, released, finished: n.ended.is_some() }
        };
        jobs.starts.iter().map(life).collect()
    }
}

impl Life {
    /// How it ended, for a message: "at 1.2 s, finished", "at 200 ms,
    /// dropped unfinished", or "never".
    pub fn ended(&self) -> String {
        match self.released {
            None => "never".into(),
            Some(r) => {
                let how = if self.finished { "finished" } else { "dropped unfinished" };
                format!("at {}, {how}", human_duration(r))
            }
        }
    }
}

/// Where the lives a group saw first differ from the lives that were due,
/// both in the order taken ([`diverges`]).
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
    of.into_iter().map(human_duration).collect::<Vec<_>>().join(", ")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;
    use crate::service::{paused_runtime, run_paused};

    #[test]
    fn a_timeout_releases_the_job_at_its_deadline_and_a_spawned_job_runs_on() {
        let run = run_paused(ms(5000), "jobs", || async {
            let group = Group::new();
            assert_eq!(group.labelled(1, ms(30), || "a").await, "a");
            let late = tokio::time::timeout(ms(100), group.labelled(2, ms(500), || "b")).await;
            assert!(late.is_err());
            // A timeout on a JoinHandle returns, and the task goes on.
            let task = tokio::spawn(group.labelled(3, ms(500), || "c"));
            assert!(tokio::time::timeout(ms(100), task).await.is_err());
            let then = group.lives();
            tokio::time::sleep(ms(1000)).await;
            (group.lives(), then, group.now())
        })
        .unwrap();
        let (lives, then, now) = run.value;
        let life = |label, taken, released: Option<u64>, finished| Life {
            label,
            taken: ms(taken),
            released: released.map(ms),
            finished,
        };
        let (first, second) = (life(1, 0, Some(30), true), life(2, 30, Some(130), false));
        assert_eq!(lives, [first.clone(), second.clone(), life(3, 130, Some(630), true)]);
        assert_eq!(then, [first, second, life(3, 130, None, false)]);
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
        assert_eq!(then[2].ended(), "never");
        let (mut double, notes) = noting(|i, d: u32| d * 2 + i as u32);
        assert_eq!((double(5), double(5)), (10, 11));
        assert_eq!(*notes.lock().unwrap(), [5, 5]);
    }

    #[test]
    fn lives_are_the_started_jobs_in_the_order_they_started() {
        paused_runtime().unwrap().block_on(async {
            let group = Group::new();
            let (first, never) = (group.labelled(7, ms(10), || ()), group.job(ms(10), || ()));
            group.job(ms(10), || ()).await;
            first.await;
            drop(never);
            let seen: Vec<(u32, Duration)> =
                group.lives().iter().map(|l| (l.label, l.taken)).collect();
            assert_eq!(seen, [(2, ms(0)), (7, ms(10))]);
        });
    }
}
