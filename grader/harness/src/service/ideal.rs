//! The yardstick of every time check of an I/O exercise: [`ideal_time`], the
//! time by which a client that never wastes a slot is done under given
//! limits; and the times of the designs that do waste slots
//! ([`Design`]: batches joined one after another, fixed shares per worker,
//! a window that waits for its oldest), so that a check can tell a learner
//! which one their time matches.
//!
//! A scenario where a wasteful design reaches the ideal cannot catch it:
//! every item the same latency, every item there at t = 0. Give the items
//! different latencies (a slow one among fast ones) and, where the code
//! under test takes them over time, staggered and bursty arrivals; then
//! check with [`Design::matching`] that each design is off the bound.

use super::arrivals::Arrivals;
use super::fake::split_url;
use super::script::Script;
use crate::protocol::human_duration;
use std::hash::Hash;
use std::time::Duration;

/// One unit of work: which host it goes to, how long it takes once
/// started, and when it is handed to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job<H> {
    pub host: H,
    pub latency: Duration,
    pub arrival: Duration,
}

impl<H> Job<H> {
    /// A job there from the start.
    pub fn new(host: H, latency: Duration) -> Job<H> {
        Job { host, latency, arrival: Duration::ZERO }
    }

    /// Handed to the client at `arrival`.
    pub fn at(mut self, arrival: Duration) -> Job<H> {
        self.arrival = arrival;
        self
    }
}

/// Jobs of one host, all there at the start, one per latency.
pub fn jobs(latencies: &[Duration]) -> Vec<Job<()>> {
    latencies.iter().map(|&l| Job::new((), l)).collect()
}

/// The jobs that `urls` make under `script`: each URL's host (port
/// included), its route's latency, and its time in `arrivals` (all at the
/// start without).
pub fn jobs_of(script: &Script, urls: &[String], arrivals: Option<&Arrivals>) -> Vec<Job<String>> {
    let at = |i: usize| arrivals.and_then(|a| a.times().get(i).copied()).unwrap_or_default();
    let job = |(i, url): (usize, &String)| {
        let (host, path) = split_url(url);
        Job::new(host.to_owned(), script.route_for(path).latency).at(at(i))
    };
    urls.iter().enumerate().map(job).collect()
}

/// The limits under which [`ideal_time`] schedules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdealLimits {
    /// At most this many jobs at once.
    pub concurrency: usize,
    /// At most this many jobs of one host at once.
    pub per_host: usize,
    /// At most `.0` starts within any `.1` (half-open).
    pub rate: Option<(usize, Duration)>,
}

impl IdealLimits {
    /// Only a cap on jobs at once.
    pub fn concurrency(n: usize) -> IdealLimits {
        IdealLimits { concurrency: n, per_host: n, rate: None }
    }
}

/// When each job starts if each starts as early as the limits allow, taking
/// the jobs that have arrived in list order and skipping one whose host is
/// at its cap: a client whose queues are first come, first served and never
/// leave a slot idle. Checks hold a client to this.
///
/// # Panics
/// If a limit is zero (nothing could ever start).
pub fn schedule<H: Eq + Hash>(jobs: &[Job<H>], limits: IdealLimits) -> Vec<Duration> {
    assert!(
        limits.concurrency > 0 && limits.per_host > 0 && limits.rate.is_none_or(|(r, _)| r > 0),
        "ideal_time: a zero limit never lets a job start"
    );
    let mut starts: Vec<Option<Duration>> = vec![None; jobs.len()];
    let mut started: Vec<Duration> = Vec::new();
    let mut now = Duration::ZERO;
    let in_window = |started: &[Duration], now: Duration| match limits.rate {
        Some((_, window)) => started.iter().filter(|&&s| now.saturating_sub(s) < window).count(),
        None => 0,
    };
    loop {
        let running = |starts: &[Option<Duration>], host: Option<&H>| {
            jobs.iter()
                .zip(starts)
                .filter(|(job, s)| s.is_some_and(|s| s <= now && now < s + job.latency))
                .filter(|(job, _)| host.is_none_or(|h| job.host == *h))
                .count()
        };
        for i in 0..jobs.len() {
            let rate_ok = limits.rate.is_none_or(|(r, _)| in_window(&started, now) < r);
            if starts[i].is_none()
                && jobs[i].arrival <= now
                && rate_ok
                && running(&starts, None) < limits.concurrency
                && running(&starts, Some(&jobs[i].host)) < limits.per_host
            {
                starts[i] = Some(now);
                started.push(now);
            }
        }
        if starts.iter().all(Option::is_some) {
            break;
        }
        // The next moment something changes: a job ends, one arrives, or the
        // oldest start in a full window leaves it.
        let ends = jobs.iter().zip(&starts).filter_map(|(j, s)| s.map(|s| s + j.latency));
        let arrivals =
            jobs.iter().zip(&starts).filter(|(_, s)| s.is_none()).map(|(j, _)| j.arrival);
        let leaves = limits.rate.and_then(|(r, window)| {
            (in_window(&started, now) >= r)
                .then(|| {
                    started.iter().find(|&&s| now.saturating_sub(s) < window).map(|&s| s + window)
                })
                .flatten()
        });
        match ends.chain(arrivals).chain(leaves).filter(|&t| t > now).min() {
            Some(t) => now = t,
            // Cannot happen with nonzero limits; never loop forever.
            None => break,
        }
    }
    starts.into_iter().map(Option::unwrap_or_default).collect()
}

/// The time by which every job is done under [`schedule`]: for jobs of one
/// latency on one host, the optimum.
///
/// # Panics
/// If a limit is zero.
pub fn ideal_time<H: Eq + Hash>(jobs: &[Job<H>], limits: IdealLimits) -> Duration {
    schedule(jobs, limits).iter().zip(jobs).map(|(&s, j)| s + j.latency).max().unwrap_or_default()
}

/// A design that keeps at most `w` jobs at once but leaves slots idle while
/// jobs wait, for jobs of one host all there at the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// `w` at a time, each batch joined before the next starts.
    Batches,
    /// `w` workers, each given a fixed run of `ceil(n / w)` consecutive jobs.
    Shares,
    /// `w` workers, worker `k` given jobs `k`, `k + w`, `k + 2w`, ...
    Strides,
    /// A window of `w` in list order that starts the next job only once
    /// the oldest in the window is done (`StreamExt::buffered(w)`).
    Window,
}

impl Design {
    pub const ALL: [Design; 4] = [Design::Batches, Design::Shares, Design::Strides, Design::Window];
    /// What a pool of threads may do (a window is a stream's design).
    pub const THREADS: [Design; 3] = [Design::Batches, Design::Shares, Design::Strides];

    /// How long `latencies` take in this design with `w` at a time.
    pub fn time(self, latencies: &[Duration], w: usize) -> Duration {
        let w = w.max(1);
        let sum = |it: &mut dyn Iterator<Item = Duration>| it.sum::<Duration>();
        match self {
            Design::Batches => {
                latencies.chunks(w).map(|b| b.iter().copied().max().unwrap_or_default()).sum()
            }
            Design::Shares => latencies
                .chunks(latencies.len().div_ceil(w).max(1))
                .map(|share| sum(&mut share.iter().copied()))
                .max()
                .unwrap_or_default(),
            Design::Strides => (0..w)
                .map(|k| sum(&mut latencies.iter().copied().skip(k).step_by(w)))
                .max()
                .unwrap_or_default(),
            Design::Window => {
                let mut ends: Vec<Duration> = Vec::with_capacity(latencies.len());
                let mut start = Duration::ZERO;
                for (i, &l) in latencies.iter().enumerate() {
                    if i >= w {
                        let oldest_done = ends[..=i - w].iter().copied().max().unwrap_or_default();
                        start = start.max(oldest_done);
                    }
                    ends.push(start + l);
                }
                ends.into_iter().max().unwrap_or_default()
            }
        }
    }

    /// The design, in words, for a message: "batches of 4, each joined
    /// before the next starts".
    pub fn describe(self, w: usize) -> String {
        match self {
            Design::Batches => format!("batches of {w}, each joined before the next starts"),
            Design::Shares => format!("{w} workers each given a fixed share of consecutive items up front"),
            Design::Strides => format!("{w} workers, worker k given items k, k + {w}, k + {} ... up front", 2 * w),
            Design::Window => format!(
                "a window of {w} in order that waits for its oldest before starting another (`buffered({w})`)"
            ),
        }
    }

    /// Which of `designs` have a time within `tolerance` of `elapsed` (a
    /// fraction: 0.1 is ±10%), closest first, with their times; none if the
    /// ideal is that close too (a scenario that cannot tell them apart
    /// names nothing).
    pub fn matching(
        designs: &[Design],
        elapsed: Duration,
        latencies: &[Duration],
        w: usize,
        tolerance: f64,
    ) -> Vec<(Design, Duration)> {
        let near = |t: Duration| {
            (elapsed.as_secs_f64() - t.as_secs_f64()).abs() <= t.as_secs_f64() * tolerance
        };
        if near(ideal_time(&jobs(latencies), IdealLimits::concurrency(w.max(1)))) {
            return Vec::new();
        }
        let mut found: Vec<(Design, Duration)> =
            designs.iter().map(|&d| (d, d.time(latencies, w))).filter(|&(_, t)| near(t)).collect();
        found.sort_by_key(|&(_, t)| t.abs_diff(elapsed));
        found
    }

    /// `" That is the time of <design> (<t>): <why it loses>."` for a failure
    /// message (every one of `designs` that matches, if several do), or
    /// nothing if `elapsed` matches none.
    pub fn name_in(
        designs: &[Design],
        elapsed: Duration,
        latencies: &[Duration],
        w: usize,
        tolerance: f64,
    ) -> String {
        let found = Design::matching(designs, elapsed, latencies, w, tolerance);
        let Some(&(_, t)) = found.first() else {
            return String::new();
        };
        let names: Vec<String> = found.iter().map(|(d, _)| d.describe(w)).collect();
        format!(
            " That is the time of {} ({}): a slow item holds up the items behind it while other slots \
             stand idle. Let whichever slot frees first take the next item.",
            names.join(", or of "),
            human_duration(t)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    fn all(n: usize, latency: Duration) -> Vec<Duration> {
        vec![latency; n]
    }

    #[test]
    fn ideal_time_of_rounds_and_of_a_rate() {
        let fifty = jobs(&all(50, ms(500)));
        assert_eq!(ideal_time(&fifty, IdealLimits::concurrency(5)), ms(5000));
        assert_eq!(ideal_time(&fifty, IdealLimits::concurrency(1)), ms(25_000));
        assert_eq!(ideal_time(&fifty[..0], IdealLimits::concurrency(3)), Duration::ZERO);
        // 30 jobs of 50 ms, 5 starts per second: the last starts at 5 s.
        let limits = IdealLimits { rate: Some((5, ms(1000))), ..IdealLimits::concurrency(10) };
        assert_eq!(ideal_time(&jobs(&all(30, ms(50))), limits), ms(5050));
    }

    #[test]
    fn ideal_time_holds_each_host_to_its_cap() {
        let jobs: Vec<Job<&str>> =
            (0..24).map(|i| Job::new(["a", "a", "b", "a", "a", "c"][i % 6], ms(100))).collect();
        let limits = IdealLimits { per_host: 2, ..IdealLimits::concurrency(6) };
        // 16 jobs on host a, two at a time.
        assert_eq!(ideal_time(&jobs, limits), ms(800));
    }

    #[test]
    fn jobs_wait_for_their_arrival_and_a_burst_for_the_window() {
        // One at 0, a burst of six at 900 ms, 3 per second: the burst gets
        // two slots at 900 ms, one at 1000 (when 0 leaves the window), two at
        // 1900 and the last at 2000.
        let mut burst: Vec<Job<()>> = vec![Job::new((), ms(10))];
        burst.extend((0..6).map(|_| Job::new((), ms(10)).at(ms(900))));
        let limits = IdealLimits { rate: Some((3, ms(1000))), ..IdealLimits::concurrency(10) };
        let starts = schedule(&burst, limits);
        assert_eq!(starts, [0, 900, 900, 1000, 1900, 1900, 2000].map(ms));
    }

    #[test]
    fn a_script_and_its_urls_make_the_jobs() {
        let script = Script::new()
            .latency(ms(50))
            .route("/slow", super::super::Route::ok().latency(ms(900)));
        let urls = ["http://a:1/slow", "http://b/x?q"].map(String::from);
        let arrivals = Arrivals::staggered(2, ms(10));
        let jobs = jobs_of(&script, &urls, Some(&arrivals));
        assert_eq!(
            jobs,
            [Job::new("a:1".into(), ms(900)), Job::new("b".into(), ms(50)).at(ms(10))]
        );
        assert_eq!(jobs_of(&script, &urls, None)[1].arrival, Duration::ZERO);
    }

    #[test]
    fn wasteful_designs_lose_to_a_slow_item_among_fast_ones() {
        let lat: Vec<Duration> = [4, 1, 1, 1, 1, 1, 1, 1].map(|u| ms(u * 100)).to_vec();
        assert_eq!(ideal_time(&jobs(&lat), IdealLimits::concurrency(2)), ms(600));
        assert_eq!(Design::Batches.time(&lat, 2), ms(700));
        assert_eq!(Design::Shares.time(&lat, 2), ms(700));
        assert_eq!(Design::Strides.time(&lat, 2), ms(700));
        // The window of 2 waits for item 0 before starting item 2.
        assert_eq!(Design::Window.time(&lat, 2), ms(700));
        assert_eq!(Design::matching(&Design::ALL, ms(710), &lat, 2, 0.05).len(), 4);
        // A slow item second: the window holds up items 2 and 3 behind it.
        let second: Vec<Duration> = [1, 4, 1, 1, 1, 1].map(|u| ms(u * 100)).to_vec();
        assert_eq!(Design::Window.time(&second, 2), ms(600));
        assert_eq!(Design::Strides.time(&second, 2), ms(600));
        assert_eq!(ideal_time(&jobs(&second), IdealLimits::concurrency(2)), ms(500));
        assert_eq!(Design::matching(&Design::ALL, ms(600), &lat, 2, 0.05), []);
        // Uniform latencies: every design is the ideal, so none is named.
        assert_eq!(Design::matching(&Design::ALL, ms(400), &all(8, ms(100)), 2, 0.05), []);
        let named = Design::name_in(&Design::ALL, ms(600), &second, 2, 0.01);
        assert!(named.contains("k + 2, k + 4 ... up front, or of a window of 2"), "{named}");
    }
}
