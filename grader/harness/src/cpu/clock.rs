//! Which clock a timing reads, and A B A B timing.

use cpu_time::ProcessTime;
use std::time::{Duration, Instant};

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

    #[test]
    fn alternate_runs_each_side_the_given_number_of_times() {
        let (mut a, mut b) = (0, 0);
        alternate(Clock::Wall, 5, || a += 1, || b += 1);
        assert_eq!((a, b), (5, 5));
        let mut c = 0;
        alternate(Clock::steadiest(), 0, || c += 1, || {});
        assert_eq!(c, 1);
    }

    #[test]
    fn the_wall_clock_sees_a_sleep() {
        let slept = Clock::Wall.time(|| std::thread::sleep(Duration::from_millis(2)));
        assert!(slept >= Duration::from_millis(2));
        assert_eq!(Clock::Wall.describe(), "wall-clock time");
    }
}
