//! The code under check against a yardstick of the check's own, timed in
//! turn in the same run, judged on a statistic that holds still.
//!
//! A verdict on a ratio must not flip between two runs of the same code. So:
//! - each round times the code and then the yardstick, back to back, and
//!   the statistic is the **median of the rounds' ratios**: a burst of load
//!   slows both halves of a round alike, and the median ignores the rounds
//!   it hit one half of (the fastest of each side, taken apart, came from
//!   different moments and moved by 2× here);
//! - while the middle half of the rounds' ratios straddles a threshold, or
//!   the median is within [`MARGIN`] of one, more rounds are taken (up to a
//!   limit in rounds and in time): a result near the line gets more
//!   evidence, one far from it is called at once.

use super::Clock;
use std::time::{Duration, Instant};

/// A median this close to a threshold (relative) is measured further.
pub const MARGIN: f64 = 0.10;

/// How many rounds a [`Ratio`] takes: `least`, then 2 more at a time while
/// the result is too close to call, up to `most`, and never more once
/// `budget` of wall time is spent (at least one round, whatever the time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub least: usize,
    pub most: usize,
    pub budget: Duration,
}

/// The rounds of a same-run comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Ratio {
    pub clock: Clock,
    /// Each round's time of the code under check and of the yardstick.
    pub rounds: Vec<(Duration, Duration)>,
}

impl Ratio {
    /// Times `yours` and `yardstick` in turn, round after round, as `plan`
    /// says, taking more rounds while the result is close to one of `lines`
    /// (thresholds of `yours ÷ yardstick`).
    pub fn measure(
        clock: Clock,
        plan: Plan,
        lines: &[f64],
        mut yours: impl FnMut(),
        mut yardstick: impl FnMut(),
    ) -> Ratio {
        let start = Instant::now();
        let mut ratio = Ratio { clock, rounds: Vec::new() };
        loop {
            let mine = clock.time(&mut yours);
            let theirs = clock.time(&mut yardstick);
            ratio.rounds.push((mine, theirs));
            let n = ratio.rounds.len();
            if n >= plan.most || start.elapsed() >= plan.budget {
                return ratio;
            }
            if n >= plan.least.max(1) && n % 2 == plan.least.max(1) % 2 && ratio.clear_of(lines) {
                return ratio;
            }
        }
    }

    /// Whether the result is far enough from every line to be called.
    pub fn clear_of(&self, lines: &[f64]) -> bool {
        let (low, high) = self.middle_half();
        let median = self.median();
        lines
            .iter()
            .all(|&line| !(low <= line && line <= high) && (median / line - 1.0).abs() >= MARGIN)
    }

    fn sorted(&self) -> Vec<f64> {
        let mut r: Vec<f64> = self
            .rounds
            .iter()
            .map(|(mine, theirs)| mine.as_secs_f64() / theirs.as_secs_f64().max(1e-12))
            .collect();
        r.sort_by(f64::total_cmp);
        r
    }

    /// The median of the rounds' ratios (`yours ÷ yardstick`).
    pub fn median(&self) -> f64 {
        let r = self.sorted();
        match r.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => r[n / 2],
            n => (r[n / 2 - 1] + r[n / 2]) / 2.0,
        }
    }

    /// The lower and upper quartile of the rounds' ratios (the middle half
    /// of the rounds lies between them).
    pub fn middle_half(&self) -> (f64, f64) {
        let r = self.sorted();
        if r.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        let at = |q: f64| r[((r.len() - 1) as f64 * q).round() as usize];
        (at(0.25), at(0.75))
    }

    /// The fastest round of each side.
    pub fn best(&self) -> (Duration, Duration) {
        let best = |pick: fn(&(Duration, Duration)) -> Duration| {
            self.rounds.iter().map(pick).min().unwrap_or_default()
        };
        (best(|r| r.0), best(|r| r.1))
    }

    /// "the median of 7 rounds (the middle half from 0.95 to 1.10), CPU
    /// time", with `show` formatting a ratio.
    pub fn describe(&self, show: impl Fn(f64) -> String) -> String {
        let (low, high) = self.middle_half();
        let n = self.rounds.len();
        if n < 3 {
            return format!(
                "{} of {n} round{}, {}",
                if n == 1 { "the ratio" } else { "the mean" },
                if n == 1 { "" } else { "s" },
                self.clock.describe()
            );
        }
        format!(
            "the median of {n} rounds (the middle half from {} to {}), {}",
            show(low),
            show(high),
            self.clock.describe()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(pairs: &[(u64, u64)]) -> Ratio {
        Ratio {
            clock: Clock::Wall,
            rounds: pairs
                .iter()
                .map(|&(a, b)| (Duration::from_millis(a), Duration::from_millis(b)))
                .collect(),
        }
    }

    #[test]
    fn the_median_ignores_the_odd_round() {
        // One round's yardstick was hit by load: its ratio is 0.2.
        let r = ratio(&[(10, 10), (11, 10), (10, 50), (12, 10), (10, 9)]);
        assert!((r.median() - 1.1).abs() < 1e-9, "{}", r.median());
        assert_eq!(r.best(), (Duration::from_millis(10), Duration::from_millis(9)));
        let (low, high) = r.middle_half();
        assert!(low <= r.median() && r.median() <= high);
        assert!(ratio(&[(1, 1), (3, 1)]).median() == 2.0);
    }

    #[test]
    fn a_result_near_a_line_is_not_clear_of_it() {
        let r = ratio(&[(10, 10), (12, 10), (14, 10)]);
        assert!(r.clear_of(&[2.0]));
        assert!(!r.clear_of(&[1.3]), "the middle half straddles 1.3");
        assert!(!r.clear_of(&[1.1]), "within 10% of the median");
        assert!(r.clear_of(&[]));
    }

    #[test]
    fn more_rounds_are_taken_only_near_a_line() {
        let plan = Plan { least: 3, most: 9, budget: Duration::from_secs(60) };
        // The code sleeps 2 ms, the yardstick nothing: far above 1.0.
        let far = Ratio::measure(
            Clock::Wall,
            plan,
            &[1.0],
            || std::thread::sleep(Duration::from_millis(2)),
            || {},
        );
        assert_eq!(far.rounds.len(), 3);
        // Lines every 5% from 1e-4 to 1e4: whatever the ratio, one of them
        // is within 10% of it, so every round allowed is taken.
        let everywhere: Vec<f64> = (-190..190).map(|i| 1.05f64.powi(i)).collect();
        let nap = || std::thread::sleep(Duration::from_micros(10));
        let near = Ratio::measure(Clock::Wall, plan, &everywhere, nap, nap);
        assert_eq!(near.rounds.len(), 9);
        let hurried = Plan { budget: Duration::ZERO, ..plan };
        let once = Ratio::measure(Clock::Wall, hurried, &everywhere, nap, nap);
        assert_eq!(once.rounds.len(), 1);
        assert!(near.describe(|x| format!("{x:.1}")).starts_with("the median of 9 rounds"));
    }
}
