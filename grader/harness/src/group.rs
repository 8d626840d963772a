//! A group of the check's own async jobs (feature `async`), each of which notes on tokio's
//! clock when it starts (its first poll), when it finishes, and when its
//! future is dropped, so that a check can judge code that runs, caps,
//! cancels or abandons futures by what the futures saw, not by what that
//! code says.
//!
//! A job's note of its drop lives in a guard the future owns from the
//! moment it is made, so a job dropped before it was ever polled (a job
//! never started) counts its drop too. A future is dropped at most once;
//! one never dropped (still held by a detached task, or leaked) shows as
//! `dropped: None`.
//!
//! Make a [`Group`] inside the runtime (its epoch is the runtime's clock at
//! that moment): on a paused clock every time it notes is exact.
//!
//! A check that hands out jobs by a number of the code's own (an attempt's)
//! makes them [`labelled`](crate::group::Group::labelled) and reads them as
//! [`Life`]s, in the order they started, to hold them to
//! a schedule ([`diverges`]).

mod judge;
mod lives;

use crate::protocol::human_duration;
use crate::service::run_paused;
use crate::Outcome;
pub use judge::{all_ran, cap_kept, nothing_left, still_after, SLACK};
pub use lives::{diverges, noting, times, Divergence, Life};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

/// What one job noted, as times since the group's epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// Its first poll.
    pub started: Option<Duration>,
    /// When it returned its output.
    pub ended: Option<Duration>,
    /// When its future was dropped.
    pub dropped: Option<Duration>,
}

impl Notes {
    /// When it stopped running: its end, or else its drop (cancelled).
    pub fn stopped(&self) -> Option<Duration> {
        self.ended.or(self.dropped)
    }

    /// Started, and dropped before it ended.
    pub fn cancelled(&self) -> bool {
        self.started.is_some() && self.ended.is_none() && self.dropped.is_some()
    }
}

/// The jobs of one scenario and their notes, shared with the jobs.
#[derive(Clone, Debug)]
pub struct Group {
    epoch: Instant,
    jobs: Arc<Mutex<Jobs>>,
}

/// Each job's notes and label, in the order made, and the order they
/// started in.
#[derive(Debug, Default)]
struct Jobs {
    notes: Vec<Notes>,
    labels: Vec<u32>,
    starts: Vec<usize>,
}

/// Notes its job's drop when the job's future is dropped.
struct DropNote {
    group: Group,
    index: usize,
}

impl Drop for DropNote {
    fn drop(&mut self) {
        let at = self.group.now();
        self.group.jobs().notes[self.index].dropped.get_or_insert(at);
    }
}

impl Group {
    /// An empty group whose epoch is now, on the runtime's clock.
    pub fn new() -> Group {
        Group { epoch: Instant::now(), jobs: Arc::default() }
    }

    fn jobs(&self) -> MutexGuard<'_, Jobs> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Time since the epoch, on the runtime's clock.
    pub fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// A new job, numbered from 0 in the order made: when first polled it
    /// notes its start, waits `latency` on tokio's clock, notes its end and
    /// returns what `finish` gives (which may panic, as a job's code can).
    pub fn job<T>(
        &self,
        latency: Duration,
        finish: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = T> + Send + 'static {
        self.made(None, latency, finish)
    }

    /// A new [`job`](Group::job) labelled `label` (its [`Life`]'s label).
    pub fn labelled<T>(
        &self,
        label: u32,
        latency: Duration,
        finish: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = T> + Send + 'static {
        self.made(Some(label), latency, finish)
    }

    fn made<T>(
        &self,
        label: Option<u32>,
        latency: Duration,
        finish: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = T> + Send + 'static {
        let index = {
            let mut jobs = self.jobs();
            let index = jobs.notes.len();
            jobs.notes.push(Notes::default());
            jobs.labels.push(label.unwrap_or(index as u32));
            index
        };
        let guard = DropNote { group: self.clone(), index };
        async move {
            let group = &guard.group;
            let start = group.now();
            {
                let mut jobs = group.jobs();
                jobs.notes[index].started.get_or_insert(start);
                jobs.starts.push(index);
            }
            tokio::time::sleep(latency).await;
            let value = finish();
            let end = group.now();
            group.jobs().notes[index].ended = Some(end);
            value
        }
    }

    /// Every job's notes, in the order made.
    pub fn all(&self) -> Vec<Notes> {
        self.jobs().notes.clone()
    }

    /// How many jobs have started.
    pub fn started(&self) -> usize {
        self.jobs().notes.iter().filter(|n| n.started.is_some()).count()
    }

    /// The most jobs running at once so far (see [`peak_of`]).
    pub fn peak_running(&self) -> usize {
        peak_of(&self.all())
    }
}

/// One call watched on the paused clock: what it returned, when (since the
/// group's epoch), every job's notes at that instant, and `after` later.
#[derive(Debug)]
pub struct Watched<R> {
    pub value: R,
    pub at: Duration,
    pub at_return: Vec<Notes>,
    pub later: Vec<Notes>,
}

/// Runs the call that `call` makes of a fresh [`Group`] on a paused clock
/// ([`run_paused`], within `limit` of real time), notes the instant it
/// returns and the jobs' notes then, and watches the jobs for `after` more
/// of virtual time (what goes on running once the call has returned).
///
/// # Errors
/// The run did not finish within `limit` (`what` names it).
pub fn watched<R, F, Fut>(
    limit: Duration,
    what: &str,
    after: Duration,
    call: F,
) -> Result<Watched<R>, Outcome>
where
    R: Send + 'static,
    F: FnOnce(Group) -> Fut + Send + 'static,
    Fut: Future<Output = R>,
{
    let run = run_paused(limit, what, move || async move {
        let group = Group::new();
        let value = call(group.clone()).await;
        let (at, at_return) = (group.now(), group.all());
        tokio::time::sleep(after).await;
        Watched { value, at, at_return, later: group.all() }
    })?;
    Ok(run.value)
}

/// "job 0 at 0.0 ms, job 1 at 100 ms, job 2 never started": the starts in
/// `notes`, for a message.
pub fn describe_starts(notes: &[Notes]) -> String {
    let at = |n: &Notes| {
        n.started.map_or("never started".into(), |s| format!("at {}", human_duration(s)))
    };
    let each: Vec<String> =
        notes.iter().enumerate().map(|(i, n)| format!("job {i} {}", at(n))).collect();
    each.join(", ")
}

/// A channel of capacity 16 that a task of the runtime fills: message `i`
/// (the number `i`) is sent at `sends[i]` from now, and the sender is
/// dropped at `close` from now (after the last send, if that is later).
pub fn fed(sends: &[Duration], close: Duration) -> mpsc::Receiver<u32> {
    let (start, sends) = (Instant::now(), sends.to_vec());
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        for (i, t) in (0u32..).zip(sends) {
            sleep_until(start + t).await;
            let _ = tx.send(i).await;
        }
        sleep_until(start + close).await;
    });
    rx
}

/// What a call on a [`fed`] channel gave back: its value, when it returned,
/// and the messages it left in the channel (drained once the sender closed).
#[derive(Debug)]
pub struct Drained<R> {
    pub value: R,
    pub at: Duration,
    pub left: Vec<u32>,
}

/// Runs `call` on a paused clock ([`run_paused`], within `limit` of real
/// time) with a channel [`fed`] by `sends` and `close` and the instant the
/// feeding started; `call` hands the receiver back with its value, and what
/// is still in it is drained.
///
/// # Errors
/// The run did not finish within `limit` (`what` names it).
pub fn on_fed<R, F, Fut>(
    limit: Duration,
    what: &str,
    (sends, close): (&[Duration], Duration),
    call: F,
) -> Result<Drained<R>, Outcome>
where
    R: Send + 'static,
    F: FnOnce(mpsc::Receiver<u32>, Instant) -> Fut + Send + 'static,
    Fut: Future<Output = (R, mpsc::Receiver<u32>)>,
{
    let sends = sends.to_vec();
    let run = run_paused(limit, what, move || async move {
        let start = Instant::now();
        let (value, mut rx) = call(fed(&sends, close), start).await;
        let (at, mut left) = (start.elapsed(), Vec::new());
        while let Some(i) = rx.recv().await {
            left.push(i);
        }
        Drained { value, at, left }
    })?;
    Ok(run.value)
}

/// The jobs in `notes` that noted a start, or an end, after `t`.
pub fn moved_after(notes: &[Notes], t: Duration) -> Vec<usize> {
    let late = |n: &Notes| n.started.is_some_and(|s| s > t) || n.ended.is_some_and(|e| e > t);
    notes.iter().enumerate().filter(|(_, n)| late(n)).map(|(i, _)| i).collect()
}

/// The jobs in `notes` whose future has not been dropped.
pub fn not_dropped(notes: &[Notes]) -> Vec<usize> {
    notes.iter().enumerate().filter(|(_, n)| n.dropped.is_none()).map(|(i, _)| i).collect()
}

/// The most jobs running at once in `notes`: a job runs from its start
/// until it ends or is dropped; one that stops at `t` and one that starts at
/// `t` do not overlap.
pub fn peak_of(notes: &[Notes]) -> usize {
    let mut events: Vec<(Duration, i32)> = Vec::new();
    for n in notes {
        if let Some(start) = n.started {
            events.push((start, 1));
            events.push((n.stopped().unwrap_or(Duration::MAX), -1));
        }
    }
    // At one instant, stops (-1) before starts (+1).
    events.sort();
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, step) in events {
        now += step;
        peak = peak.max(now);
    }
    peak as usize
}

impl Default for Group {
    fn default() -> Group {
        Group::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::paused_runtime;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_job_notes_its_start_end_and_drop() {
        paused_runtime().unwrap().block_on(async {
            let group = Group::new();
            let a = group.job(ms(100), || 1);
            let b = group.job(ms(300), || 2);
            tokio::time::sleep(ms(50)).await;
            let a = tokio::spawn(a);
            assert_eq!(a.await.unwrap(), 1);
            let mut b = Box::pin(b);
            // Started at 150 ms, cancelled at 250 ms.
            let _ = tokio::time::timeout(ms(100), &mut b).await;
            drop(b);
            let notes = group.all();
            assert_eq!(
                notes[0],
                Notes { started: Some(ms(50)), ended: Some(ms(150)), dropped: Some(ms(150)) }
            );
            assert_eq!(
                notes[1],
                Notes { started: Some(ms(150)), ended: None, dropped: Some(ms(250)) }
            );
            assert!(notes[1].cancelled() && !notes[0].cancelled());
            assert_eq!(group.peak_running(), 1);
            assert!(moved_after(&notes, ms(150)).is_empty());
            assert_eq!(moved_after(&notes, ms(149)), vec![0, 1]);
        });
    }

    #[test]
    fn a_job_never_polled_counts_its_drop_and_a_leaked_one_shows() {
        paused_runtime().unwrap().block_on(async {
            let group = Group::new();
            drop(group.job(ms(10), || ()));
            std::mem::forget(group.job(ms(10), || ()));
            assert_eq!(group.started(), 0);
            assert_eq!(not_dropped(&group.all()), vec![1]);
            assert_eq!(group.all()[0].dropped, Some(Duration::ZERO));
        });
    }

    #[test]
    fn a_watched_call_shows_what_runs_on_after_it() {
        let run = watched(Duration::from_secs(3), "a call", ms(1000), |group| async move {
            let slow = tokio::spawn(group.job(ms(500), || ()));
            group.job(ms(100), || 7).await + usize::from(slow.is_finished())
        })
        .unwrap();
        assert_eq!((run.value, run.at), (7, ms(100)));
        assert_eq!(not_dropped(&run.at_return), vec![0]);
        assert_eq!(moved_after(&run.later, run.at), vec![0]);
        assert_eq!(describe_starts(&run.at_return), "job 0 at 0.0 ms, job 1 at 0.0 ms");
    }

    #[test]
    fn a_fed_channel_sends_on_time_and_closes() {
        paused_runtime().unwrap().block_on(async {
            let start = Instant::now();
            let mut rx = fed(&[ms(10), ms(30)], ms(50));
            assert_eq!(rx.recv().await, Some(0));
            assert_eq!(start.elapsed(), ms(10));
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!((rx.recv().await, start.elapsed()), (None, ms(50)));
        });
    }

    #[test]
    fn a_call_on_a_fed_channel_leaves_the_rest() {
        let sends = [ms(10), ms(30), ms(70)];
        let run =
            on_fed(Duration::from_secs(3), "a call", (&sends, ms(100)), |mut rx, _| async move {
                let first = rx.recv().await;
                (first, rx)
            })
            .unwrap();
        assert_eq!((run.value, run.at, run.left), (Some(0), ms(10), vec![1, 2]));
    }

    #[test]
    fn the_peak_counts_jobs_running_together() {
        paused_runtime().unwrap().block_on(async {
            let group = Group::new();
            let jobs: Vec<_> =
                [100, 200, 300].map(|l| group.job(ms(l), || ())).into_iter().collect();
            let _ = futures::future::join_all(jobs).await;
            assert_eq!(group.peak_running(), 3);
            // One after another: a stop and a start at one instant do not overlap.
            let group = Group::new();
            for l in [100, 200] {
                group.job(ms(l), || ()).await;
            }
            assert_eq!(group.peak_running(), 1);
        });
    }
}
