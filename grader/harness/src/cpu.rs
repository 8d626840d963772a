//! CPU parallelism, measured on the grader's side and portably.
//!
//! On a shared 2-core machine a correct parallel matrix multiply measured
//! anywhere from 1.03× to 1.89× faster than its sequential run: a raw
//! speed-up cannot be a verdict. What can is *who did the work*. The checks
//! run learner code inside a [`MeteredPool`], a rayon pool they build with
//! named threads, and every pool thread reads its own CPU clock before and
//! after ([`cpu_time::ThreadTime`]: Linux, macOS and Windows alike, no
//! `/proc`). A busy machine slows every thread down; it does not move work
//! from one thread to another, so the spread of CPU time over the pool says
//! "parallel" or "not parallel" whatever else the machine is doing.
//!
//! - [`MeteredPool::metered`] runs code on the pool and returns the [`Usage`]:
//!   CPU time per pool thread, wall time, and the whole process's CPU time
//!   (to notice work done on threads outside the pool).
//! - [`capacity`] is a same-run probe: how much faster two threads spinning
//!   on their own get through the same work than one thread, right now. A
//!   speed-up decides a verdict only when the probe shows at least
//!   [`CAPACITY_NEEDED`]; otherwise the check is inconclusive, never failed.
//!   [`capacity_once`] is a single quick look, to pair with one measurement
//!   (before and after it): load on a shared machine comes and goes within
//!   tens of milliseconds, so a probe a second away says little about it.
//! - [`alternate`] times two pieces of code A B A B and keeps the shortest
//!   time of each, for ratios against a reference run in the same process.
//!
//! Nothing here asserts on time: the checks decide what a measurement means.

use crate::{inconclusive, Outcome};
use cpu_time::{ProcessTime, ThreadTime};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The share of the pool's CPU time a thread must have done to count as one
/// of the threads that did the work.
pub const BUSY_SHARE: f64 = 0.10;

/// The speed-up a probe must show (its work on two threads against one, see
/// [`capacity_once_of`]) before a measured speed-up may decide a verdict. A
/// quiet 2-core machine gives ~1.95×; with another process busy on one core
/// it gives ~1.0–1.3×.
pub const CAPACITY_NEEDED: f64 = 1.6;

/// A rayon pool whose threads can each report the CPU time they have used.
pub struct MeteredPool {
    pool: rayon::ThreadPool,
    threads: usize,
}

impl MeteredPool {
    /// Starts a pool of `threads` threads named `kata-pool-0`, `kata-pool-1`, ...
    pub fn new(threads: usize) -> Result<MeteredPool, Outcome> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("kata-pool-{i}"))
            .build()
            .map(|pool| MeteredPool { pool, threads })
            .map_err(|e| {
                crate::fail(format!(
                    "the check could not start a pool of {threads} threads: {e}"
                ))
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
    pub fn clocks(&self) -> Result<Vec<Duration>, String> {
        // `broadcast` runs the closure once on every thread of the pool, and
        // returns the results in thread-index order.
        self.pool
            .broadcast(|_| {
                ThreadTime::try_now()
                    .map(|t| t.as_duration())
                    .map_err(|e| e.to_string())
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
    /// repetitions, loop inside `op`.
    pub fn metered<R: Send>(&self, op: impl FnOnce() -> R + Send) -> (R, Usage) {
        let process_before = ProcessTime::try_now().ok();
        let before = self.clocks();
        let start = Instant::now();
        let value = self.pool.install(op);
        let wall = start.elapsed();
        let after = self.clocks();
        let process = process_before.and_then(|t| t.try_elapsed().ok());
        let per_thread = match (before, after) {
            (Ok(before), Ok(after)) => Ok(after
                .iter()
                .zip(&before)
                .map(|(a, b)| a.saturating_sub(*b))
                .collect()),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        (
            value,
            Usage {
                per_thread,
                wall,
                process,
            },
        )
    }
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
    /// Nothing measured yet: the start of a sum of several runs.
    pub fn zero(threads: usize) -> Usage {
        Usage {
            per_thread: Ok(vec![Duration::ZERO; threads]),
            wall: Duration::ZERO,
            process: Some(Duration::ZERO),
        }
    }

    /// Adds the cost of another run on the same pool.
    pub fn add(&mut self, other: &Usage) {
        self.per_thread = match (&self.per_thread, &other.per_thread) {
            (Ok(a), Ok(b)) if a.len() == b.len() => {
                Ok(a.iter().zip(b).map(|(a, b)| *a + *b).collect())
            }
            (Ok(_), Ok(_)) => Err("runs on pools of different sizes were added up".into()),
            (Err(e), _) | (_, Err(e)) => Err(e.clone()),
        };
        self.wall += other.wall;
        self.process = self.process.zip(other.process).map(|(a, b)| a + b);
    }

    /// The CPU time of all pool threads together.
    pub fn pool_total(&self) -> Option<Duration> {
        self.per_thread.as_ref().ok().map(|t| t.iter().sum())
    }

    /// Each pool thread's share of the pool's CPU time, or why it cannot be
    /// known on this system.
    pub fn shares(&self) -> Result<Vec<f64>, String> {
        let per_thread = self.per_thread.as_ref().map_err(Clone::clone)?;
        let total: Duration = per_thread.iter().sum();
        if total.is_zero() {
            // Work ran (a check only asks after running some), yet no pool
            // thread's clock moved: this system's thread clocks are stuck or
            // too coarse to see it.
            return Err("the pool threads' CPU clocks did not move while work ran on them".into());
        }
        Ok(per_thread
            .iter()
            .map(|t| t.as_secs_f64() / total.as_secs_f64())
            .collect())
    }

    /// How many pool threads each did at least `min_share` of the pool's
    /// CPU time.
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

    /// `outcome` with how many pool threads were busy beside how many were
    /// required, and the table of each thread's CPU time. `what` says what
    /// ran, completing "CPU time of each pool thread over ...".
    pub fn report(&self, outcome: Outcome, busy: usize, needed: usize, what: &str) -> Outcome {
        let threads = self.per_thread.as_ref().map_or(0, Vec::len);
        outcome
            .figure(
                "pool threads with ≥ 10% of the CPU work",
                busy,
                format!(">= {needed} of {threads}"),
            )
            .detail(format!(
                "CPU time of each pool thread over {what}, called one after another from one task of the pool ({} of wall time):",
                crate::protocol::human_duration(self.wall)
            ))
            .details(self.table().into_iter().map(|line| format!("  {line}")))
    }

    /// One line per pool thread: a bar of its share of the CPU time.
    pub fn table(&self) -> Vec<String> {
        let Ok(per_thread) = &self.per_thread else {
            return vec!["CPU time per pool thread: not readable on this system".into()];
        };
        let shares = self
            .shares()
            .unwrap_or_else(|_| vec![0.0; per_thread.len()]);
        per_thread
            .iter()
            .zip(shares)
            .enumerate()
            .map(|(i, (time, share))| {
                format!(
                    "kata-pool-{i} {} {:>3.0}%  {}",
                    bar(share, 20),
                    share * 100.0,
                    crate::protocol::human_duration(*time)
                )
            })
            .collect()
    }
}

/// `fraction` (0 to 1) as a bar `width` characters wide.
pub fn bar(fraction: f64, width: usize) -> String {
    let filled = (fraction.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// The verdict when this system cannot read the pool threads' CPU clocks.
pub fn unreadable(reason: &str) -> Outcome {
    inconclusive(format!(
        "inconclusive on this system: the check measures parallel work by each pool thread's \
         CPU time, and {reason}"
    ))
}

/// What the probe measured: the same spinning work on one thread, and on
/// each of two threads at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capacity {
    pub one: Duration,
    pub two: Duration,
}

impl Capacity {
    /// How much faster two threads got through twice the work: 2.0 on two
    /// free cores, about 1.0 when only one core is free.
    pub fn speedup(&self) -> f64 {
        if self.two.is_zero() {
            return 0.0;
        }
        2.0 * self.one.as_secs_f64() / self.two.as_secs_f64()
    }

    /// Whether a parallel speed-up can be measured fairly right now.
    pub fn enough(&self) -> bool {
        self.speedup() >= CAPACITY_NEEDED
    }
}

/// The probe's work: a chain of dependent integer steps, no memory traffic,
/// ~10 ms on one core.
const SPIN_STEPS: u64 = 8_000_000;

fn spin(steps: u64) -> u64 {
    let mut x = black_box(0x9E37_79B9_7F4A_7C15_u64);
    for _ in 0..steps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    black_box(x)
}

/// Measures how much parallel speed-up this machine can give right now:
/// [`SPIN_STEPS`] on one thread, then on each of two threads at once, three
/// times in turn, keeping the shortest time of each.
pub fn capacity() -> Capacity {
    (0..3).map(|_| capacity_once()).fold(
        Capacity {
            one: Duration::MAX,
            two: Duration::MAX,
        },
        |best, c| Capacity {
            one: best.one.min(c.one),
            two: best.two.min(c.two),
        },
    )
}

/// One quick look (~20 ms): the probe's work once on one thread, then once
/// on each of two threads at once. For pairing with a measurement taken
/// right before or after it: the load on a shared machine comes and goes
/// within tens of milliseconds, so only a probe next to a measurement
/// speaks for it.
pub fn capacity_once() -> Capacity {
    capacity_once_of(|| {
        spin(SPIN_STEPS);
    })
}

/// The vector probe's work: a multiply-add over 1,024 numbers (8 KiB, in
/// L1), each independent of the others, so the core's vector units are
/// the limit; ~3.5 ms on one core here.
const VECTOR_ROUNDS: usize = 20_000;

fn vector(rounds: usize) {
    let mut acc = [1.0f64; 1024];
    for _ in 0..rounds {
        for a in acc.iter_mut() {
            *a = *a * 0.999_999 + 1e-9;
        }
        black_box(&mut acc);
    }
}

/// [`capacity_once_of`] with vector arithmetic for work: the probe for a
/// speed-up of number-crunching code such as a matrix product.
pub fn capacity_once_vector() -> Capacity {
    capacity_once_of(|| vector(VECTOR_ROUNDS))
}

/// [`capacity_once`] with work of the caller's: `work` once on one thread,
/// then once on each of two threads at once.
///
/// Probe with work like the work measured. The spin loop is a chain of
/// dependent steps, and two of those run at full speed on the two hardware
/// threads of one physical core (which a virtual machine's two "cores" can
/// be); vector arithmetic (a matrix product) shares that core's units and
/// gains next to nothing there. Only a probe of the same kind of work says
/// whether a speed-up of that work can show.
pub fn capacity_once_of(work: impl Fn() + Sync) -> Capacity {
    let start = Instant::now();
    work();
    let one = start.elapsed();
    let start = Instant::now();
    std::thread::scope(|s| {
        let other = s.spawn(&work);
        work();
        let _ = other.join();
    });
    Capacity {
        one,
        two: start.elapsed(),
    }
}

/// Which clock [`alternate`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Wall-clock time.
    Wall,
    /// The whole process's CPU time: time the code waited for a core while
    /// other programs ran is not counted, so it is steadier on a busy machine
    /// (for single-threaded runs; a parallel run's CPU time is a sum).
    ProcessCpu,
}

impl Clock {
    /// The process CPU clock where it is fine-grained and readable (Unix),
    /// else the wall clock. Windows counts process CPU time in ~16 ms ticks,
    /// too coarse to time runs of a few milliseconds.
    pub fn steadiest() -> Clock {
        if cfg!(unix) && ProcessTime::try_now().is_ok() {
            Clock::ProcessCpu
        } else {
            Clock::Wall
        }
    }

    /// What this clock is called in a message.
    pub fn describe(self) -> &'static str {
        match self {
            Clock::Wall => "wall-clock time",
            Clock::ProcessCpu => "CPU time",
        }
    }

    /// How long `f` took by this clock.
    pub fn time(self, f: impl FnOnce()) -> Duration {
        match self {
            Clock::ProcessCpu => match ProcessTime::try_now() {
                Ok(start) => {
                    f();
                    start.try_elapsed().unwrap_or(Duration::ZERO)
                }
                Err(_) => Clock::Wall.time(f),
            },
            Clock::Wall => {
                let start = Instant::now();
                f();
                start.elapsed()
            }
        }
    }
}

/// Times `a` and `b` in turn, `rounds` times each (A B A B ...), and returns
/// the shortest time of each. Alternating spreads a burst of load elsewhere
/// over both; the minimum is the run least disturbed by it.
pub fn alternate(
    clock: Clock,
    rounds: usize,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration) {
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds.max(1) {
        best_a = best_a.min(clock.time(&mut a));
        best_b = best_b.min(clock.time(&mut b));
    }
    (best_a, best_b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(ms: &[u64]) -> Usage {
        Usage {
            per_thread: Ok(ms.iter().map(|&m| Duration::from_millis(m)).collect()),
            wall: Duration::from_millis(100),
            process: Some(Duration::from_millis(ms.iter().sum::<u64>() + 5)),
        }
    }

    #[test]
    fn shares_add_up_to_one_and_count_busy_threads() {
        let u = usage(&[50, 30, 15, 5]);
        let shares = u.shares().unwrap();
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(u.busy_threads(BUSY_SHARE), Ok(3));
        assert_eq!(usage(&[100, 0, 0, 0]).busy_threads(BUSY_SHARE), Ok(1));
    }

    #[test]
    fn a_share_of_exactly_the_threshold_counts() {
        assert_eq!(usage(&[10, 90]).busy_threads(0.10), Ok(2));
    }

    #[test]
    fn clocks_that_never_move_are_unreadable_not_sequential() {
        let u = usage(&[0, 0, 0, 0]);
        assert!(u.shares().is_err());
        assert!(u.busy_threads(BUSY_SHARE).is_err());
        let broken = Usage {
            per_thread: Err("no clock".into()),
            ..usage(&[1])
        };
        assert_eq!(broken.busy_threads(BUSY_SHARE), Err("no clock".into()));
        assert_eq!(broken.pool_total(), None);
        assert_eq!(broken.table().len(), 1);
    }

    #[test]
    fn runs_add_up() {
        let mut sum = Usage::zero(2);
        sum.add(&usage(&[10, 20]));
        sum.add(&usage(&[30, 0]));
        assert_eq!(
            sum.per_thread,
            Ok(vec![Duration::from_millis(40), Duration::from_millis(20)])
        );
        assert_eq!(sum.wall, Duration::from_millis(200));
        assert_eq!(sum.outside_pool(), Some(Duration::from_millis(10)));
        sum.add(&usage(&[1, 2, 3]));
        assert!(sum.per_thread.is_err());
    }

    #[test]
    fn the_table_has_a_line_per_thread() {
        let lines = usage(&[75, 25]).table();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("kata-pool-0 "));
        assert!(lines[0].contains("75%"));
        assert!(lines[1].contains("25%"));
    }

    #[test]
    fn bars_are_clamped_and_exact_width() {
        assert_eq!(bar(0.5, 4), "██░░");
        assert_eq!(bar(2.0, 3), "███");
        assert_eq!(bar(-1.0, 2), "░░");
    }

    #[test]
    fn capacity_arithmetic() {
        let quiet = Capacity {
            one: Duration::from_millis(10),
            two: Duration::from_millis(10),
        };
        assert!((quiet.speedup() - 2.0).abs() < 1e-9);
        assert!(quiet.enough());
        let busy = Capacity {
            one: Duration::from_millis(10),
            two: Duration::from_millis(20),
        };
        assert!((busy.speedup() - 1.0).abs() < 1e-9);
        assert!(!busy.enough());
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
    }

    #[test]
    fn alternate_runs_each_side_the_given_number_of_times() {
        let (mut a, mut b) = (0, 0);
        alternate(Clock::Wall, 5, || a += 1, || b += 1);
        assert_eq!((a, b), (5, 5));
        let mut c = 0;
        alternate(Clock::steadiest(), 0, || c += 1, || {});
        assert_eq!(c, 1);
    }
}
