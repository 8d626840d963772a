//! The metered pool and what a run on it cost.

use crate::protocol::human_duration;
use crate::sched::SchedClock;
use crate::{inconclusive, Outcome};
use cpu_time::{ProcessTime, ThreadTime};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A rayon pool whose threads can each report the CPU time they have used.
pub struct MeteredPool {
    pool: rayon::ThreadPool,
    threads: usize,
    /// Each pool thread's run-queue clock, readable from any thread (Linux;
    /// elsewhere they read nothing): what one call cost each thread.
    sched: Vec<SchedClock>,
}

impl MeteredPool {
    /// Starts a pool of `threads` threads named `kata-pool-0`, `kata-pool-1`, ...
    ///
    /// # Errors
    /// A failure when the threads cannot be started.
    pub fn new(threads: usize) -> Result<MeteredPool, Outcome> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("kata-pool-{i}"))
            .build()
            .map(|pool| {
                let sched = pool.broadcast(|_| SchedClock::this_thread());
                MeteredPool { pool, threads, sched }
            })
            .map_err(|e| {
                crate::fail(format!("the check could not start a pool of {threads} threads: {e}"))
            })
    }

    /// How many threads the pool has.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `op` on the pool: inside it, rayon's parallel iterators, `join`
    /// and `scope` use this pool's threads.
    pub fn install<R: Send>(&self, op: impl FnOnce() -> R + Send) -> R {
        self.pool.install(op)
    }

    /// Each pool thread's CPU time so far, in thread-index order, read by
    /// that thread itself; `Err` says why this system cannot tell.
    ///
    /// # Errors
    /// This system cannot read a thread's CPU clock.
    pub fn clocks(&self) -> Result<Vec<Duration>, String> {
        // `broadcast` runs the closure once on every thread of the pool, and
        // returns the results in thread-index order.
        self.pool
            .broadcast(|_| {
                ThreadTime::try_now().map(|t| t.as_duration()).map_err(|e| e.to_string())
            })
            .into_iter()
            .collect()
    }

    /// Runs `op` on the pool and measures what it cost: CPU time per pool
    /// thread, wall time, and the process's CPU time.
    ///
    /// Judge the spread of *one* call. `op` starts on one pool thread and
    /// stays there unless the code inside splits the work; a sequential
    /// function called in several `metered` calls may land on a different
    /// thread each time, and the sum would look parallel. To measure many
    /// repetitions, loop inside `op` (see [`MeteredPool::repeat`]).
    pub fn metered<R: Send>(&self, op: impl FnOnce() -> R + Send) -> (R, Usage) {
        let process_before = ProcessTime::try_now().ok();
        let before = self.clocks();
        let start = Instant::now();
        let value = self.pool.install(op);
        let wall = start.elapsed();
        let after = self.clocks();
        let process = process_before.and_then(|t| t.try_elapsed().ok());
        let per_thread = match (before, after) {
            (Ok(before), Ok(after)) => {
                Ok(after.iter().zip(&before).map(|(a, b)| a.saturating_sub(*b)).collect())
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let usage = Usage { per_thread, wall, process };
        (value, usage)
    }

    /// Calls `f` over and over for `time` (at least once) from a single task
    /// of the pool, and measures what it all cost, and (where the system
    /// lets one thread read another's CPU time: Linux) what each call cost.
    ///
    /// A single task, because a sequential `f` then stays on that task's
    /// thread; calls from separate tasks could land on a different thread
    /// each, and a sequential function would look spread. Call by call,
    /// because the same holds for work cut into too few pieces: the piece
    /// the calling thread does not run is taken by whichever thread wakes
    /// first, a different one each call, and the sum of all calls looks
    /// spread over every thread when no single call was.
    pub fn repeat<R>(&self, time: Duration, f: impl Fn() -> R + Sync) -> Repeated {
        let ((calls, each), usage) = self.metered(|| {
            let start = Instant::now();
            let mut each = Vec::new();
            let mut calls = 0;
            while calls == 0 || start.elapsed() < time {
                let before = self.call_clocks();
                drop(black_box(f()));
                let after = self.call_clocks();
                if let (Some(before), Some(after)) = (before, after) {
                    each.push(Usage::between(&before, &after));
                }
                calls += 1;
            }
            (calls, each)
        });
        // Every call read, or none: a partial list would judge some calls.
        let each = if each.len() == calls { each } else { Vec::new() };
        Repeated { calls, usage, each }
    }

    /// Every pool thread's time on a core, the process's CPU time and the
    /// time now, read from the calling thread; `None` where the system does
    /// not say.
    fn call_clocks(&self) -> Option<(Vec<Duration>, Duration, Instant)> {
        let threads: Option<Vec<Duration>> =
            self.sched.iter().map(|c| Some(c.read()?.ran)).collect();
        let process = ProcessTime::try_now().ok()?.as_duration();
        Some((threads?, process, Instant::now()))
    }
}

/// What [`MeteredPool::repeat`] measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Repeated {
    pub calls: usize,
    /// All the calls together.
    pub usage: Usage,
    /// Each call on its own, in order; empty where the system cannot say.
    pub each: Vec<Usage>,
}

/// What some code cost on a [`MeteredPool`].
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    /// CPU time of each pool thread, in thread-index order; `Err` when this
    /// system cannot read a thread's CPU clock.
    pub per_thread: Result<Vec<Duration>, String>,
    /// Wall-clock time.
    pub wall: Duration,
    /// CPU time of the whole process, all threads (when readable).
    pub process: Option<Duration>,
}

impl Usage {
    /// The cost between two readings of [`MeteredPool::call_clocks`].
    fn between(
        before: &(Vec<Duration>, Duration, Instant),
        after: &(Vec<Duration>, Duration, Instant),
    ) -> Usage {
        Usage {
            per_thread: Ok(after
                .0
                .iter()
                .zip(&before.0)
                .map(|(a, b)| a.saturating_sub(*b))
                .collect()),
            process: Some(after.1.saturating_sub(before.1)),
            wall: after.2.saturating_duration_since(before.2),
        }
    }

    /// The CPU time of all pool threads together.
    pub fn pool_total(&self) -> Option<Duration> {
        self.per_thread.as_ref().ok().map(|t| t.iter().sum())
    }

    /// All the CPU time the run cost: the process's, or where that cannot
    /// be read, the pool's.
    pub fn total(&self) -> Option<Duration> {
        let pool = self.pool_total()?;
        Some(self.process.map_or(pool, |p| p.max(pool)))
    }

    /// Each pool thread's share of all the CPU time the run cost (the
    /// process's: work done on threads outside the pool counts too, and
    /// leaves the pool's threads a smaller share), or why it cannot be
    /// known on this system.
    ///
    /// # Errors
    /// The system cannot read the threads' clocks, or they did not move.
    pub fn shares(&self) -> Result<Vec<f64>, String> {
        let per_thread = self.per_thread.as_ref().map_err(Clone::clone)?;
        let total = self.total().unwrap_or_default();
        if total.is_zero() {
            // Work ran (a check only asks after running some), yet no clock
            // moved: this system's clocks are stuck or too coarse to see it.
            return Err("the CPU clocks did not move while work ran on the pool".into());
        }
        Ok(per_thread.iter().map(|t| t.as_secs_f64() / total.as_secs_f64()).collect())
    }

    /// How many pool threads each did at least `min_share` of all the CPU
    /// time the run cost.
    ///
    /// # Errors
    /// As [`Usage::shares`].
    pub fn busy_threads(&self, min_share: f64) -> Result<usize, String> {
        Ok(self
            .shares()?
            .iter()
            // The epsilon keeps a share of exactly `min_share` from being
            // lost to rounding (10 ms of 100 ms is 0.0999... in f64).
            .filter(|&&share| share + 1e-9 >= min_share)
            .count())
    }

    /// CPU time the process spent outside the pool's threads (the check's
    /// own thread, or threads the code under test started itself).
    pub fn outside_pool(&self) -> Option<Duration> {
        Some(self.process?.saturating_sub(self.pool_total()?))
    }

    /// One line per pool thread, and one for the rest of the process: a bar
    /// of its share of all the CPU time.
    pub fn table(&self) -> Vec<String> {
        let Ok(per_thread) = &self.per_thread else {
            return vec!["CPU time per pool thread: not readable on this system".into()];
        };
        let shares = self.shares().unwrap_or_else(|_| vec![0.0; per_thread.len()]);
        let total = self.total().unwrap_or_default().as_secs_f64().max(1e-12);
        let line = |name: &str, time: Duration, share: f64| {
            format!(
                "{name:<12} {} {:>3.0}%  {}",
                bar(share, 20),
                share * 100.0,
                human_duration(time)
            )
        };
        let mut lines: Vec<String> = per_thread
            .iter()
            .zip(shares)
            .enumerate()
            .map(|(i, (time, share))| line(&format!("kata-pool-{i}"), *time, share))
            .collect();
        if let Some(outside) = self.outside_pool() {
            let share = outside.as_secs_f64() / total;
            lines.push(line("not the pool", outside, share));
        }
        lines
    }
}

/// `fraction` (0 to 1) as a bar `width` characters wide.
pub fn bar(fraction: f64, width: usize) -> String {
    let filled = (fraction.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// The verdict when this system cannot read the CPU clocks.
pub fn unreadable(reason: &str) -> Outcome {
    inconclusive(format!(
        "inconclusive on this system: the check measures parallel work by each pool thread's \
         CPU time, and {reason}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn usage(ms: &[u64], outside: u64) -> Usage {
        Usage {
            per_thread: Ok(ms.iter().map(|&m| Duration::from_millis(m)).collect()),
            wall: Duration::from_millis(100),
            process: Some(Duration::from_millis(ms.iter().sum::<u64>() + outside)),
        }
    }

    #[test]
    fn shares_are_of_the_whole_process() {
        let u = usage(&[50, 30, 15, 5], 0);
        let shares = u.shares().unwrap();
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(u.busy_threads(0.10), Ok(3));
        assert_eq!(usage(&[100, 0, 0, 0], 0).busy_threads(0.10), Ok(1));
        // The same pool threads, with 900 ms done elsewhere: none did 10%.
        let elsewhere = usage(&[25, 25, 25, 25], 900);
        assert_eq!(elsewhere.busy_threads(0.10), Ok(0));
        assert_eq!(elsewhere.outside_pool(), Some(Duration::from_millis(900)));
        assert_eq!(elsewhere.table().len(), 5);
        assert!(elsewhere.table()[4].contains("90%"));
    }

    #[test]
    fn a_share_of_exactly_the_threshold_counts() {
        assert_eq!(usage(&[10, 90], 0).busy_threads(0.10), Ok(2));
    }

    #[test]
    fn work_done_only_outside_the_pool_is_measured_not_unreadable() {
        let u = usage(&[0, 0, 0, 0], 300);
        assert_eq!(u.shares(), Ok(vec![0.0; 4]));
        let stuck = usage(&[0, 0], 0);
        assert!(stuck.shares().is_err());
        let broken = Usage { per_thread: Err("no clock".into()), ..usage(&[1], 0) };
        assert_eq!(broken.busy_threads(0.1), Err("no clock".into()));
        assert_eq!(broken.pool_total(), None);
        assert_eq!(broken.table().len(), 1);
    }

    #[test]
    fn the_table_has_a_line_per_thread() {
        let lines = usage(&[75, 25], 0).table();
        assert!(lines[0].starts_with("kata-pool-0  ██"), "{}", lines[0]);
        assert!(lines[0].contains("75%"));
        assert!(lines[1].contains("25%"));
        assert!(lines[2].starts_with("not the pool") && lines[2].contains(" 0%"));
    }

    #[test]
    fn bars_are_clamped_and_exact_width() {
        assert_eq!(bar(0.5, 4), "██░░");
        assert_eq!(bar(2.0, 3), "███");
        assert_eq!(bar(-1.0, 2), "░░");
    }

    #[test]
    fn the_pool_reports_one_clock_per_thread_and_runs_the_work() {
        let pool = MeteredPool::new(3).unwrap();
        assert_eq!(pool.threads(), 3);
        let (sum, usage) = pool.metered(|| {
            use rayon::prelude::*;
            (0..1000u64).into_par_iter().sum::<u64>()
        });
        assert_eq!(sum, 499_500);
        if let Ok(per_thread) = &usage.per_thread {
            assert_eq!(per_thread.len(), 3);
        }
        let name = pool.install(|| std::thread::current().name().map(String::from));
        assert!(name.unwrap().starts_with("kata-pool-"));
        let once = pool.repeat(Duration::ZERO, || 1);
        assert_eq!(once.calls, 1);
        if SchedClock::this_thread().read().is_some() {
            assert_eq!(once.each.len(), 1);
            assert_eq!(once.each[0].per_thread.as_ref().map(Vec::len), Ok(3));
        }
    }
}
