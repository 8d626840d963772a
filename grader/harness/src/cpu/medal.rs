//! A medal beyond the pass: the code's throughput as a share of a tuned
//! yardstick's, measured on the same pool in the same run.
//!
//! A medal must not flip between two runs of the same code. So it is judged
//! on the median of rounds ([`Ratio`]: each round the code and the
//! yardstick back to back, in CPU time, which other programs do not
//! inflate), with more rounds while the share is near a threshold; and the
//! thresholds sit where no design the exercise teaches lands (see the
//! exercise's calibration). A yardstick that picks its kernel by the CPU
//! (a library with an AVX-512 kernel) makes shares depend on the machine:
//! gold can also ask for a multiple of a plain yardstick's throughput, which
//! does not, and the verdict names the machine.

use super::{machine, Clock, Plan, Ratio};
use crate::judge::Judgement;
use crate::protocol::human_duration;
use crate::{Medal, Verdict};
use std::time::Duration;

/// What a medal is measured against.
pub struct Medals<'a> {
    /// The shares of the yardstick's throughput for (silver, gold).
    pub thresholds: (f64, f64),
    /// The yardstick's name, "matrixmultiply".
    pub yardstick: &'a str,
    /// One run, "512×512 by 512×512 on the 4-thread pool", and its work
    /// in `unit`s ("GFLOP").
    pub run: String,
    pub work: f64,
    pub unit: &'a str,
    /// Gold also needs this many times the throughput of the plain
    /// yardstick called this ("the plain parallel i-k-j loop").
    pub floor: (&'a str, f64),
    /// What to do next: from bronze, from silver, and what gold means.
    pub next: [&'a str; 3],
}

/// The median of rounds of `yours` against `yardstick` (and, for a gold
/// share, against `plain`), the medal it earns, with every figure.
pub fn judge_medal(
    spec: &Medals,
    mut yours: impl FnMut(),
    yardstick: impl FnMut(),
    plain: impl FnMut(),
) -> Verdict {
    let (silver, gold) = spec.thresholds;
    let plan = Plan { least: 7, most: 15, budget: Duration::from_secs(12) };
    let clock = Clock::steadiest();
    // Each round times the yardstick, then yours: the ratio is the share.
    let rounds = Ratio::measure(clock, plan, &[gold, silver], yardstick, &mut yours);
    let share = rounds.median();
    let (name, factor) = spec.floor;
    let over_plain = if share >= gold {
        Ratio::measure(clock, plan, &[factor], plain, &mut yours).median()
    } else {
        0.0
    };
    let medal = medal_for(share, over_plain, spec);
    let percent = |x: f64| format!("{:.0}%", x * 100.0);
    let (theirs, mine) = rounds.best();
    let rate = |t: Duration| spec.work / t.as_secs_f64().max(1e-9);
    let unit = spec.unit;
    let mut j = Judgement::new();
    j.figure(
        format!("your throughput ÷ {}'s", spec.yardstick),
        percent(share),
        format!("silver >= {}, gold >= {}", percent(silver), percent(gold)),
    );
    if share >= gold {
        j.figure(
            format!("your throughput ÷ {name}'s"),
            format!("{over_plain:.2}×"),
            format!("gold >= {factor}×"),
        );
    }
    j
    .detail(format!(
        "{}, yours and {} in turn, {}: the fastest rounds were yours {} ({:.1} {unit} per CPU-second), {} {} ({:.1}). The medal counts CPU time, which other programs on the machine do not inflate.",
        spec.run,
        spec.yardstick,
        rounds.describe(percent),
        human_duration(mine),
        rate(mine),
        spec.yardstick,
        human_duration(theirs),
        rate(theirs),
    ))
    .detail(format!(
        "This machine: {}. {} picks its widest kernel at run time: without AVX-512 it is about half as fast, and every share about twice as large, so gold also needs {factor}× the throughput of {name}, measured beside it.",
        machine(),
        spec.yardstick
    ))
    .detail(match medal {
        Medal::Gold => format!("Gold: {}", spec.next[2]),
        Medal::Silver if share >= gold => format!(
            "At the gold share, but {over_plain:.2}× the throughput of {name}, and gold needs {factor}×: the yardstick is slow on this CPU, and its share flatters."
        ),
        Medal::Silver => format!("Next, gold at {}: {}", percent(gold), spec.next[1]),
        Medal::Bronze => format!("Next, silver at {}: {}", percent(silver), spec.next[0]),
    });
    Ok(j.pass(format!(
        "{}: {} of {}'s throughput ({:.1} against {:.1} {unit} per CPU-second)",
        medal.name(),
        percent(share),
        spec.yardstick,
        rate(mine),
        rate(theirs)
    ))
    .medal(medal))
}

/// The medal a share earns, `over_plain` being the throughput over the
/// plain yardstick's (measured for a gold share only).
fn medal_for(share: f64, over_plain: f64, spec: &Medals) -> Medal {
    let (silver, gold) = spec.thresholds;
    if share >= gold && over_plain >= spec.floor.1 {
        Medal::Gold
    } else if share >= silver {
        Medal::Silver
    } else {
        Medal::Bronze
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Medals<'static> {
        Medals {
            thresholds: (0.07, 0.40),
            yardstick: "the library",
            run: "one run".into(),
            work: 1e-3,
            unit: "GFLOP",
            floor: ("the plain loop", 1.6),
            next: ["Reorder.", "Block.", "Well done."],
        }
    }

    #[test]
    fn gold_needs_both_yardsticks() {
        let spec = spec();
        assert_eq!(medal_for(0.6, 2.5, &spec), Medal::Gold);
        assert_eq!(medal_for(0.6, 1.2, &spec), Medal::Silver);
        assert_eq!(medal_for(0.2, 0.0, &spec), Medal::Silver);
        assert_eq!(medal_for(0.02, 0.0, &spec), Medal::Bronze);
    }

    #[test]
    fn a_slow_run_earns_bronze_with_the_next_step() {
        // 2 ms of CPU against next to none: a share of about 0.
        let slow = || {
            let start = std::time::Instant::now();
            while start.elapsed() < Duration::from_millis(2) {
                std::hint::black_box(0u64);
            }
        };
        let v = judge_medal(&spec(), slow, || {}, || {}).unwrap();
        assert_eq!(v.medal, Some(Medal::Bronze));
        assert!(v.message.starts_with("bronze: 0% of the library's throughput"), "{}", v.message);
        assert_eq!(v.details.last().unwrap(), "Next, silver at 7%: Reorder.");
    }
}
