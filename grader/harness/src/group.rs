//! A group of the check's own async jobs, each of which notes on tokio's
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

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

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
    notes: Arc<Mutex<Vec<Notes>>>,
}

/// Notes its job's drop when the job's future is dropped.
struct DropNote {
    group: Group,
    index: usize,
}

impl Drop for DropNote {
    fn drop(&mut self) {
        let at = self.group.now();
        self.group.notes()[self.index].dropped.get_or_insert(at);
    }
}

impl Group {
    /// An empty group whose epoch is now, on the runtime's clock.
    pub fn new() -> Group {
        Group { epoch: Instant::now(), notes: Arc::default() }
    }

    fn notes(&self) -> MutexGuard<'_, Vec<Notes>> {
        self.notes.lock().unwrap_or_else(|e| e.into_inner())
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
        let index = {
            let mut notes = self.notes();
            notes.push(Notes::default());
            notes.len() - 1
        };
        let guard = DropNote { group: self.clone(), index };
        async move {
            let group = &guard.group;
            let start = group.now();
            group.notes()[index].started.get_or_insert(start);
            tokio::time::sleep(latency).await;
            let value = finish();
            let end = group.now();
            group.notes()[index].ended = Some(end);
            value
        }
    }

    /// Every job's notes, in the order made.
    pub fn all(&self) -> Vec<Notes> {
        self.notes().clone()
    }

    /// How many jobs have started.
    pub fn started(&self) -> usize {
        self.notes().iter().filter(|n| n.started.is_some()).count()
    }

    /// The most jobs running at once so far (see [`peak_of`]).
    pub fn peak_running(&self) -> usize {
        peak_of(&self.all())
    }
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
