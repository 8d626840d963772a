//! CPU work of a known cost, calibrated on this machine now (feature `cpu`).
//!
//! Checks hand learner code a CPU-heavy step whose cost they must know: so
//! many milliseconds per call, so that inline work shows as a gap past a
//! limit, and a baseline to compare a thread's CPU time with. A cost written
//! down on one machine is wrong on the next, so the work is a loop of
//! [`crunch`] rounds, and [`rounds_for`] measures, on a plain thread of this
//! process right now, how many rounds cost the time wanted. [`cpu_of`] is
//! the same-run baseline: what some work costs on a plain thread.

use cpu_time::ThreadTime;
use std::hint::black_box;
use std::panic::resume_unwind;
use std::time::{Duration, Instant};

/// Runs `f` on a plain thread of its own and measures the CPU time that
/// thread used: the baseline another thread's CPU time is compared with.
/// A panic in `f` is passed on.
///
/// # Errors
/// This system cannot read a thread's CPU clock.
pub fn cpu_of<R: Send>(f: impl FnOnce() -> R + Send) -> Result<(R, Duration), String> {
    std::thread::scope(|s| {
        let worker = s.spawn(|| {
            let before = ThreadTime::try_now().map_err(|e| e.to_string());
            let value = f();
            let used = before.and_then(|t| t.try_elapsed().map_err(|e| e.to_string()));
            used.map(|used| (value, used))
        });
        match worker.join() {
            Ok(result) => result,
            Err(panic) => resume_unwind(panic),
        }
    })
}

/// The checks' CPU work: an FNV-style hash of `body`, `rounds` times over,
/// each round depending on the last (nothing can be skipped or vectorised
/// away, and no two bodies hash alike).
pub fn crunch(body: &[u8], rounds: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for _ in 0..black_box(rounds) {
        for &b in black_box(body) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = h.rotate_left(17) ^ (h >> 7);
    }
    h
}

/// How many rounds of [`crunch`] over `body` cost about `target` of CPU
/// here, measured now on a plain thread (the shortest of three probes: the
/// probe least slowed by anything else).
pub fn rounds_for(body: &[u8], target: Duration) -> u64 {
    const PROBE: u64 = 20_000;
    let spent = (0..3)
        .map(|_| match cpu_of(|| crunch(body, PROBE)) {
            Ok((_, cpu)) => cpu,
            // No thread clock here: wall time on this thread will do.
            Err(_) => {
                let start = Instant::now();
                black_box(crunch(body, PROBE));
                start.elapsed()
            }
        })
        .min()
        .unwrap_or_default()
        .max(Duration::from_micros(10));
    let rounds = PROBE as f64 * target.as_secs_f64() / spent.as_secs_f64();
    (rounds as u64).clamp(1, 1 << 40)
}

/// The wall time of `jobs` calls of `job` (with the job's index) on
/// `threads` plain threads, each taking the next index as it comes free:
/// the time the work alone takes on a pool of that size, measured now.
pub fn on_threads(jobs: usize, threads: usize, job: impl Fn(usize) + Sync) -> Duration {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                // Ordering: Relaxed, the counter only hands out indices.
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= jobs {
                    break;
                }
                job(i);
            });
        }
    });
    start.elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crunch_depends_on_the_body_and_the_rounds() {
        assert_ne!(crunch(b"abc", 3), crunch(b"abd", 3));
        assert_ne!(crunch(b"abc", 3), crunch(b"abc", 4));
        assert_eq!(crunch(b"abc", 3), crunch(b"abc", 3));
    }

    #[test]
    fn more_time_takes_more_rounds() {
        let body = [7u8; 64];
        let few = rounds_for(&body, Duration::from_micros(100));
        let many = rounds_for(&body, Duration::from_millis(100));
        assert!(few >= 1);
        assert!(many > few * 10, "{few} rounds for 0.1 ms, {many} for 100 ms");
    }

    #[test]
    fn every_job_runs_once_on_the_threads() {
        let done = std::sync::Mutex::new(Vec::new());
        on_threads(20, 3, |i| done.lock().unwrap().push(i));
        let mut done = done.into_inner().unwrap();
        done.sort_unstable();
        assert_eq!(done, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn the_baseline_returns_the_value_and_passes_panics_on() {
        if let Ok((value, _)) = cpu_of(|| 6 * 7) {
            assert_eq!(value, 42);
        }
        let panicked = std::panic::catch_unwind(|| cpu_of(|| panic!("boom")));
        assert!(panicked.is_err());
    }
}
