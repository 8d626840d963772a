//! A speed-up, shown always and judged only when the machine can show one.
//!
//! [`sweep`] times the code on 1 thread and on the pool at every size, for
//! the table and the chart ([`super::chart`]). The verdict is judged in
//! [`rounds`] at one size, each a probe of the machine (vector arithmetic
//! on 2 threads against 1: a spin loop scales on the two hardware threads
//! of one core, where number crunching does not), a run on 1 thread and on
//! the pool, and a probe again: load on a shared machine comes and goes
//! within tens of milliseconds, so only a probe right next to a measurement
//! speaks for it. A pass needs one round with both probes at
//! [`CAPACITY_NEEDED`] and the speed-up asked for; a failure needs
//! [`QUIET_ROUNDS_TO_FAIL`] rounds with probes at [`FAIL_PROBE`] that all
//! fell short; anything else is inconclusive, with the numbers.

use super::chart::{self, Point};
use super::{capacity_once_vector, cores, MeteredPool, CAPACITY_NEEDED};
use crate::judge::Judgement;
use crate::Verdict;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// Quiet rounds (probe ≥ [`FAIL_PROBE`] right before and after) that must
/// all fall short before a speed-up fails.
pub const QUIET_ROUNDS_TO_FAIL: usize = 5;

/// The probe a round needs to count toward a failure: a nearly idle
/// machine. (Rounds with a probe of 1.6–1.8× measured the reference anywhere
/// from 0.6× to 1.7× while other builds came and went.)
pub const FAIL_PROBE: f64 = 1.8;

/// The time of one run of `work` on `pool`, from a batch of `reps` runs in
/// a single `install`, so that waking the pool from outside is not
/// counted: what is measured is the code's own splitting and joining.
pub fn time_per_run(pool: &MeteredPool, reps: usize, work: &(dyn Fn() + Sync)) -> Duration {
    // Idle rayon threads spin (yielding) for a moment before they sleep: a
    // batch started right after the other pool's would share the cores with
    // its spinning threads. A short pause lets them fall asleep first.
    std::thread::sleep(Duration::from_millis(5));
    let start = Instant::now();
    pool.install(|| {
        for _ in 0..reps {
            work();
            black_box(());
        }
    });
    start.elapsed() / u32::try_from(reps.max(1)).unwrap_or(u32::MAX)
}

/// How many runs make a batch of at least 3 ms (a single run can be a
/// microsecond, far below what a clock read and a wake-up cost), found by
/// quadrupling; and the time per run of the last try.
fn batch(pool: &MeteredPool, work: &(dyn Fn() + Sync)) -> (usize, Duration) {
    let mut reps = 1;
    loop {
        let per_run = time_per_run(pool, reps, work);
        if per_run * reps as u32 >= Duration::from_millis(3) || reps >= 16_384 {
            return (reps, per_run);
        }
        reps *= 4;
    }
}

/// For each size, the work that `prepare` makes for it on 1 thread and on
/// the pool in turn, the fastest of several batches each. Slow work is
/// measured once per size, so that the sweep stays within a check's time
/// whatever the code's speed.
pub fn sweep<W: Fn() + Sync>(
    one: &MeteredPool,
    many: &MeteredPool,
    sizes: &[usize],
    prepare: impl Fn(usize) -> W,
) -> Vec<Point> {
    sizes
        .iter()
        .map(|&n| {
            let work = prepare(n);
            let (reps_one, first_one) = batch(one, &work);
            let (reps_many, first_many) = batch(many, &work);
            let again = first_one + first_many <= Duration::from_millis(300);
            let mut point = Point { n, one: first_one, many: first_many };
            for _ in 0..if again { 5 } else { 0 } {
                point.one = point.one.min(time_per_run(one, reps_one, &work));
                point.many = point.many.min(time_per_run(many, reps_many, &work));
            }
            point
        })
        .collect()
}

/// One judged round: probes of the machine around one run on 1 thread and
/// one on the pool.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Round {
    /// The lower of the two probes' speed-ups.
    pub machine: f64,
    /// The fastest of the round's runs on 1 thread, and on the pool.
    pub one: Duration,
    pub many: Duration,
}

impl Round {
    /// The run's speed-up: its time on 1 thread over its time on the pool.
    pub fn speedup(&self) -> f64 {
        self.one.as_secs_f64() / self.many.as_secs_f64().max(1e-12)
    }
}

/// `count` judged rounds, each the fastest of `tries.0` runs on 1 thread
/// and of `tries.1` on the pool between two probes (a single run can lose
/// a few ms to a page fault or a late wake-up).
pub fn rounds(
    one: &MeteredPool,
    many: &MeteredPool,
    count: usize,
    tries: (usize, usize),
    work: &(dyn Fn() + Sync),
) -> Vec<Round> {
    let fastest = |pool: &MeteredPool, tries: usize| {
        (0..tries.max(1)).map(|_| time_per_run(pool, 1, work)).fold(Duration::MAX, Duration::min)
    };
    (0..count)
        .map(|_| {
            let before = capacity_once_vector();
            let (t_one, t_many) = (fastest(one, tries.0), fastest(many, tries.1));
            // As in time_per_run: the pool's idle threads spin for a moment
            // before they sleep, and would share the probe's cores.
            std::thread::sleep(Duration::from_millis(5));
            let after = capacity_once_vector();
            Round { machine: before.speedup().min(after.speedup()), one: t_one, many: t_many }
        })
        .collect()
}

/// What a speed-up check is about.
pub struct Speedup<'a> {
    /// "your matmul".
    pub yours: &'a str,
    /// The size the rounds are judged at, and the speed-up asked for there.
    pub n: usize,
    pub needed: f64,
    /// Ends a failure: why spread work may still not be faster.
    pub advice: &'a str,
    /// The chart's title and file.
    pub title: &'a str,
    pub chart: &'a Path,
}

/// The verdict on a sweep and the rounds judged at `spec.n` (see the
/// module's documentation). The judged size's row of the table shows the
/// best quiet round, so that table and verdict tell one story.
pub fn judge_speedup(
    spec: &Speedup,
    threads: usize,
    mut points: Vec<Point>,
    rounds: &[Round],
    tries: (usize, usize),
) -> Verdict {
    let n = spec.n;
    // More than the cores can give means the 1-thread run was slowed by
    // something else: such a round proves nothing either way.
    let cores = cores();
    let plausible = cores.min(threads) as f64 * 1.15;
    let counts = |r: &Round| r.machine >= CAPACITY_NEEDED && r.speedup() <= plausible;
    let quiet: Vec<&Round> = rounds.iter().filter(|r| counts(r)).collect();
    let best = quiet.iter().copied().max_by(|a, b| a.speedup().total_cmp(&b.speedup()));
    let very_quiet = quiet.iter().filter(|r| r.machine >= FAIL_PROBE).count();
    let machine = rounds.iter().map(|r| r.machine).fold(0.0, f64::max);
    if let (Some(best), Some(point)) = (best, points.iter_mut().find(|p| p.n == n)) {
        (point.one, point.many) = (best.one, best.many);
    }
    let speedup = best.map_or(0.0, Round::speedup);

    let mut j = Judgement::new();
    j.figure(
        format!("speed-up at n = {n}, {threads} threads over 1, best quiet round"),
        best.map_or("no quiet round".to_string(), |_| format!("{speedup:.2}×")),
        format!(">= {}×", spec.needed),
    )
    .figure(
        format!("quiet rounds (machine probe ≥ {CAPACITY_NEEDED}× around them)"),
        format!("{} of {}", quiet.len(), rounds.len()),
        format!("a pass needs 1, a failure {QUIET_ROUNDS_TO_FAIL} at ≥ {FAIL_PROBE}×"),
    )
    .detail(format!(
        "Sequential (a pool of 1 thread) against parallel (a pool of {threads}), {}, time per run (at n = {n}, the best quiet round below):",
        spec.yours
    ))
    .details(chart::lines(&points, threads).into_iter().map(|l| format!("  {l}")));
    j.detail(match chart::write(spec.chart, &chart::svg(spec.title, &points, threads)) {
        Ok(()) => format!("Chart: {}", spec.chart.display()),
        Err(e) => format!("(the chart could not be written to {}: {e})", spec.chart.display()),
    });
    j.detail(format!(
        "Judged rounds at n = {n}, each a probe (vector arithmetic on 2 threads against 1), {} on 1 thread (the fastest of {}) and on {threads} (the fastest of {}), and a probe again; a round counts when both probes show ≥ {CAPACITY_NEEDED}×:",
        spec.yours, tries.0, tries.1
    ));
    j.details(rounds.iter().enumerate().map(|(i, r)| {
        format!(
            "  round {}: machine {:.2}×, yours {:.2}×{}",
            i + 1,
            r.machine,
            r.speedup(),
            if counts(r) {
                ""
            } else if r.machine < CAPACITY_NEEDED {
                "  (busy: not counted)"
            } else {
                "  (more than the cores can give: disturbed, not counted)"
            }
        )
    }));
    if speedup >= spec.needed {
        let from = chart::crossover(&points)
            .map_or(String::new(), |c| format!("; parallel wins from n = {c}"));
        return Ok(j.pass(format!(
            "{speedup:.2}× faster on {threads} threads than on 1 at n = {n}{from}"
        )));
    }
    if cores < 2 {
        return Ok(j.inconclusive(format!(
            "inconclusive on this machine: the system lets this process use {cores} core \
             (`std::thread::available_parallelism`: a CPU affinity mask, a container's CPU quota \
             or a one-core machine), so no code can be faster on {threads} threads than on 1 \
             here. Measured and shown below; check on a machine with 2 or more cores to have \
             the speed-up judged."
        )));
    }
    if very_quiet < QUIET_ROUNDS_TO_FAIL {
        return Ok(j.inconclusive(format!(
            "inconclusive on this machine right now: the cores were not free for this work. \
             Vector arithmetic on two threads was at best {machine:.2}× as fast as on one in \
             the rounds measured (other programs, or two virtual cores that share one \
             physical core's vector units). A speed-up passes in a round where that probe shows \
             ≥ {CAPACITY_NEEDED}× right before and after, and fails only when \
             {QUIET_ROUNDS_TO_FAIL} rounds with ≥ {FAIL_PROBE}× all fell short; {very_quiet} of \
             {} rounds had that. Measured and shown below; check again on a quieter machine to \
             have it judged.",
            rounds.len()
        )));
    }
    Err(j.fail(format!(
        "at n = {n} {} was at best {speedup:.2}× as fast on {threads} threads as on 1, in {} \
         rounds where the machine had a free second core ({very_quiet} of them nearly idle). If \
         runs-in-parallel failed, fix that first. {}",
        spec.yours,
        quiet.len(),
        spec.advice
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn round(machine: f64, one: u64, many: u64) -> Round {
        Round { machine, one: Duration::from_millis(one), many: Duration::from_millis(many) }
    }

    fn spec(dir: &Path) -> Speedup<'_> {
        Speedup { yours: "your f", n: 64, needed: 1.3, advice: "Split it.", title: "f", chart: dir }
    }

    fn points() -> Vec<Point> {
        vec![
            Point { n: 16, one: Duration::from_micros(5), many: Duration::from_micros(9) },
            Point { n: 64, one: Duration::from_millis(10), many: Duration::from_millis(30) },
        ]
    }

    #[test]
    fn a_busy_machine_is_inconclusive_and_says_there_was_no_quiet_round() {
        let path = std::env::temp_dir().join(format!("kata-speedup-{}/a.svg", std::process::id()));
        let busy = [round(0.9, 10, 4), round(1.2, 10, 5)];
        let v = judge_speedup(&spec(&path), 4, points(), &busy, (2, 3)).unwrap();
        assert_eq!(v.status, Status::Inconclusive);
        assert_eq!(v.figures[0].measured, "no quiet round");
        assert!(v.details.iter().any(|d| d.contains("(busy: not counted)")));
        assert!(path.exists());
    }

    #[test]
    fn one_quiet_round_passes_and_the_table_shows_it() {
        let path = std::env::temp_dir().join(format!("kata-speedup-{}/b.svg", std::process::id()));
        if cores() < 2 {
            return; // a speed-up above 1.15 is implausible on one core
        }
        let rounds = [round(1.9, 10, 6), round(1.7, 10, 7)];
        let v = judge_speedup(&spec(&path), 4, points(), &rounds, (2, 3)).unwrap();
        assert_eq!(v.status, Status::Passed);
        assert!(
            v.message.starts_with("1.67× faster on 4 threads than on 1 at n = 64"),
            "{}",
            v.message
        );
        // The row of n = 64 shows the round (1.67×), not the sweep (0.33×).
        assert!(v.details.iter().any(|d| d.contains("1.67×   ")), "{:#?}", v.details);
        assert!(v.message.ends_with("parallel wins from n = 64"), "{}", v.message);
    }

    #[test]
    fn five_idle_rounds_that_fall_short_fail() {
        let path = std::env::temp_dir().join(format!("kata-speedup-{}/c.svg", std::process::id()));
        if cores() < 2 {
            return;
        }
        let rounds = [round(1.9, 10, 10); 5];
        let v = judge_speedup(&spec(&path), 4, points(), &rounds, (2, 3)).unwrap_err();
        assert!(v.message.starts_with("at n = 64 your f was at best 1.00×"), "{}", v.message);
        assert!(v.message.ends_with("Split it."));
    }
}
