//! CPU parallelism, measured on the grader's side and portably (feature
//! `cpu`).
//!
//! On a shared 2-core machine a correct parallel matrix multiply measured
//! anywhere from 1.03× to 1.89× faster than its sequential run: a raw
//! speed-up cannot be a verdict. What can is *who did the work*. The checks
//! run learner code inside a [`MeteredPool`], a rayon pool they build with
//! named threads, and every pool thread reads its own CPU clock before and
//! after ([`cpu_time::ThreadTime`]: Linux, macOS and Windows alike, no
//! `/proc`); the process's CPU clock says how much ran anywhere else. A busy
//! machine slows every thread down; it does not move work from one thread
//! to another, so the spread of CPU time says "parallel" or "not parallel"
//! whatever else the machine is doing.
//!
//! - [`MeteredPool`] runs code on the pool and returns the [`Usage`]: CPU
//!   time per pool thread, wall time, and the whole process's CPU time.
//!   [`judge_spread`] holds a usage to "most pool threads did a fair part of
//!   all the process's work" ([`Spread`]).
//! - [`Ratio`] times the code under check against a yardstick of the check's
//!   own, A B A B in the same run, and takes more rounds while the result is
//!   too close to a threshold to call.
//! - [`capacity_once_of`] is a same-run probe: how much faster two threads
//!   get through the same work than one, right now. A speed-up decides a
//!   verdict only when the probe shows at least [`CAPACITY_NEEDED`] around
//!   it ([`judge_speedup`]); otherwise the check is inconclusive, never
//!   failed. [`sweep`] and [`chart`] show the speed-up at every size.
//!
//! The pool is [`pool_threads`] big: two threads more than the machine has
//! cores. Work cut into one piece per core (`available_parallelism()`
//! pieces) then leaves threads idle on every machine, not only on those
//! with fewer cores than the pool has threads: the verdict does not depend
//! on the machine it runs on.

mod clock;
mod medal;
mod pool;
mod probe;
mod ratio;
mod speedup;
mod spread;

pub mod chart;

pub use clock::{alternate, Clock};
pub use medal::{judge_medal, Medals};
pub use pool::{bar, unreadable, MeteredPool, Repeated, Usage};
pub use probe::{
    capacity, capacity_once, capacity_once_of, capacity_once_vector, Capacity, CAPACITY_NEEDED,
};
pub use ratio::{Plan, Ratio, MARGIN};
pub use speedup::{judge_speedup, rounds, sweep, time_per_run, Round, Speedup};
pub use spread::{judge_spread, Spread, SpreadAdvice};

/// How many threads the checks' pool has: two more than this process may
/// use cores (`std::thread::available_parallelism`), and at least 4.
pub fn pool_threads() -> usize {
    (cores() + 2).max(4)
}

/// How many cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One line on the machine for a verdict that depends on it: the CPU's
/// name where the system says, its cores and the vector instructions it
/// has (`AMD EPYC, 2 cores, AVX2 + FMA + AVX-512`).
pub fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let name = info
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or_else(|| std::env::consts::ARCH.to_string(), |v| v.trim().to_string());
    let cores = cores();
    let mut line = format!("{name}, {cores} core{}", if cores == 1 { "" } else { "s" });
    let simd = vector_units();
    if !simd.is_empty() {
        line.push_str(&format!(", {}", simd.join(" + ")));
    }
    line
}

/// The wide vector instructions this CPU has, of those a tuned kernel picks
/// at run time.
pub fn vector_units() -> Vec<&'static str> {
    #[allow(unused_mut)]
    let mut units = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            units.push("AVX2");
        }
        if std::arch::is_x86_feature_detected!("fma") {
            units.push("FMA");
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            units.push("AVX-512");
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_has_more_threads_than_the_machine_has_cores() {
        assert!(pool_threads() >= 4);
        assert!(pool_threads() > cores());
        assert!(machine().contains(&format!("{} core", cores())));
    }
}
