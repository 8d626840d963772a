//! `try_acquire` against the check's log: the contract's edges, seeded
//! arbitrary arrivals, and the memory a long run leaves held.

use super::*;
use kata_harness::property::{search, Rng};
use kata_harness::{allocs, ensure, on_thread, pass, step_limit, within, Outcome};

/// The learner's answers to calls at `times` (ms after a fresh instant).
fn replay(rate: usize, window: u64, times: &[u64]) -> Result<Vec<bool>, Outcome> {
    let limiter = limiter(rate, window)?;
    let t0 = Instant::now();
    Ok(times.iter().map(|&t| limiter.try_acquire(at(t0, t))).collect())
}

/// `None` when the learner answers every call at `times` as the log does;
/// else what went wrong, told from the first call answered otherwise.
fn differs(rate: usize, window: u64, times: &[u64]) -> Option<String> {
    let got = match replay(rate, window, times) {
        Ok(got) => got,
        Err(outcome) => return Some(outcome.message),
    };
    let mut log = Log::new(rate, window);
    let (i, want) = times.iter().map(|&t| log.grant(t)).enumerate().find(|&(i, w)| got[i] != w)?;
    let mut spec = Log::new(rate, window);
    for &t in &times[..i] {
        spec.grant(t);
    }
    let t = times[i].max(spec.latest);
    spec.grants.retain(|&g| g + window > t);
    let said = |k: usize| ["refused", "granted"][usize::from(got[k])];
    let calls: Vec<String> = (0..=i).map(|k| format!("{} ms {}", times[k], said(k))).collect();
    let story = format!(
        "rate {rate} per {window} ms, calls in this order: {}; the call at {t} ms should have been {}",
        calls.join(", "),
        ["refused", "granted"][usize::from(want)]
    );
    if want {
        let held: Vec<String> = spec.grants.iter().map(|g| format!("{g} ms")).collect();
        let why = if times[i] < spec.latest {
            "a `now` earlier than the latest one given is taken as that latest one, and judged there"
        } else if t >= window && spec.all.contains(&(t - window)) {
            "a grant made exactly one window ago no longer counts: the window is (now - window, now], \
             half-open (a grant at t is out once now - t >= window)"
        } else {
            "a limiter must not refuse while a slot is free: count the grants younger than the window"
        };
        return Some(format!(
            "{story}: a slot was free (the grants in ({} ms, {t} ms] were only [{}], fewer than {rate}): {why}. \
             (A token bucket refills at its own pace and refuses calls that the window allows.)",
            t.saturating_sub(window),
            held.join(", ")
        ));
    }
    // Granted one too many: R grants from `first` to `t`, less than a window apart.
    let first = spec.grants[0];
    let mut densest = 0;
    for (a, &ta) in times.iter().enumerate() {
        let n = (a..times.len()).filter(|&b| got[b] && times[b] >= ta && times[b] < ta + window);
        densest = densest.max(n.count());
    }
    let boundary = if rate >= 2 && densest >= 2 * rate - 1 {
        format!(
            " This is 2R at a boundary ({densest} grants within one window in this run): a counter per \
             fixed window resets at each boundary and lets up to 2 x {rate} through around it."
        )
    } else {
        " A fixed window resets its count at a boundary; a token bucket lets a full bucket through \
         right after a window's worth of grants."
            .into()
    };
    Some(format!(
        "{story}: that made {} grants from {first} ms to {t} ms, {} ms apart, less than a window of \
         {window} ms, where at most {rate} may be.{boundary} Keep the instants of the grants still in \
         the window, and grant only while fewer than {rate} are younger than it.",
        rate + 1,
        t - first
    ))
}

/// Runs `differs` in a thread of its own within the step limit.
fn judged(
    what: &'static str,
    job: impl FnOnce() -> Option<String> + Send + 'static,
) -> Result<(), Outcome> {
    match within(step_limit(), what, job)? {
        Some(message) => Err(fail(message)),
        None => Ok(()),
    }
}

pub fn edges() -> Verdict {
    let cases: [(usize, u64, &[u64]); 5] = [
        (3, 100, &[0, 0, 0, 0, 0, 1]),                    // equal instants: R, then refused
        (1, 100, &[0, 99, 100, 199, 200, 300]),           // exactly one window later
        (3, 100, &[0, 99, 99, 100, 100, 100, 101, 199]), // a fixed window's boundary at 100
        (3, 100, &[99, 99, 99, 100, 100, 100, 198, 199]), // its boundary, if it starts at new()
        (2, 100, &[0, 150, 120, 120, 220, 249, 250, 40]), // time going back
    ];
    for (rate, window, times) in cases {
        judged("try_acquire on the contract's edges", move || differs(rate, window, times))?;
    }
    for (rate, window) in [(0, 100), (3, 0)] {
        let made = std::panic::catch_unwind(|| SlidingWindow::new(rate, ms(window))).is_ok();
        ensure(!made, || {
            fail(format!(
                "SlidingWindow::new({rate}, {window} ms) returned a limiter: a rate of 0 could never \
                 grant and a zero window never refuse, so new must panic on either (assert!)"
            ))
        })?;
    }
    Ok(pass(
        "equal instants, exactly one window later, both fixed-window boundaries and time going back: \
         every answer as the log's; new(0, _) and new(_, 0) panic",
    ))
}

pub fn matches_the_log() -> Verdict {
    const CASES: usize = 300;
    for (seed, (rate, window)) in [(1, 100), (2, 100), (3, 50), (5, 1000)].into_iter().enumerate() {
        judged("try_acquire on arbitrary arrivals", move || {
            let mut rng = Rng::new(23 + seed as u64);
            let steps = [0, 0, 1, window - 1, window, window + 1, window / 2, window / rate as u64];
            let draw = || {
                let n = 1 + rng.below(40);
                (0..n)
                    .map(|_| match rng.below(10) {
                        0..=7 => rng.pick(&steps),
                        8 => rng.below(window),
                        _ => rng.below(3 * window),
                    })
                    .collect()
            };
            let simpler = |&g: &u64| vec![0, g / 2, g.saturating_sub(1)];
            let fails = |gaps: &[u64]| {
                let times: Vec<u64> = gaps.iter().scan(0, |t, g| Some(*t + g).inspect(|&n| *t = n)).collect();
                differs(rate, window, &times)
            };
            let (_, why) = search(CASES, draw, simpler, fails)?;
            Some(format!("{why} (the shortest failing sequence of {CASES} seeded cases)"))
        })?;
    }
    Ok(pass("4 rates and windows x 300 seeded arrival sequences: every answer as the sliding log's"))
}

pub fn memory_bounded() -> Verdict {
    const CALLS: u64 = 200_000;
    const LIMIT: i64 = 64 * 1024;
    let hung = || {
        fail(format!(
            "{CALLS} calls of try_acquire (rate 8 per 10 ms, one call each millisecond) did not finish in \
             {:?}: each call must cost O(rate). Does every call walk a log of every grant ever made? \
             Forget the grants that left the window.",
            step_limit()
        ))
    };
    let (granted, held) = on_thread("ex23-memory", step_limit(), || {
        let limiter = limiter(8, 10)?;
        let t0 = Instant::now();
        let (granted, held) = allocs::held_by(|| {
            (0..CALLS).filter(|&t| limiter.try_acquire(at(t0, t))).count()
        });
        drop(limiter);
        Ok((granted, held))
    }, hung)?;
    ensure(granted == 160_000, || {
        fail(format!(
            "{CALLS} calls, one each millisecond, at 8 per 10 ms should be granted 160000 times, \
             but {granted} were: the window forgets a grant at exactly 10 ms (see contract-edges)"
        ))
    })?;
    ensure(held <= LIMIT, || {
        fail(format!(
            "after {granted} grants the limiter holds {held} bytes more than when it began: it keeps \
             every grant it ever made. Only the grants still in the window matter (at most rate of \
             them): pop the ones that left it from the front of a VecDeque."
        ))
        .figure("bytes held after 200,000 calls", held, format!("<= {LIMIT}"))
    })?;
    Ok(pass(format!("{granted} grants; the limiter holds {held} bytes more than at the start"))
        .figure("bytes held after 200,000 calls", held, format!("<= {LIMIT}")))
}
