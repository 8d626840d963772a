//! `try_acquire` against the check's log: the contract's edges, seeded
//! arbitrary arrivals, and the memory a long run leaves held.

use super::*;
use kata_harness::property::{search, Rng};
use kata_harness::window::{densest, first_difference};
use kata_harness::{allocs, ensure, on_thread, pass, step_limit, within, Outcome};

/// `Ok` when the learner answers every call at `times` (ms after a fresh
/// instant) as the log does; else what went wrong, from the first call
/// answered otherwise.
fn differs(rate: usize, window: u64, times: &[u64]) -> Result<(), String> {
    let limiter = limiter(rate, window).map_err(|o| o.message)?;
    let t0 = Instant::now();
    let got: Vec<bool> = times.iter().map(|&t| limiter.try_acquire(t0 + ms(t))).collect();
    let Some(d) = first_difference(rate, window, times, &got) else { return Ok(()) };
    let (t, held) = (d.at, d.held.iter().map(|g| format!("{g} ms")).collect::<Vec<_>>());
    let story = format!("rate {rate} per {window} ms, {}", d.story(times, &got));
    if d.want {
        let why = if d.stale {
            "a `now` earlier than the latest one given is taken as that latest one, and judged there"
        } else if d.one_window_before {
            "a grant made exactly one window ago no longer counts: the window is (now - window, now], \
             half-open (a grant at t is out once now - t >= window)"
        } else {
            "a limiter must not refuse while a slot is free: count the grants younger than the window"
        };
        return Err(format!(
            "{story}: a slot was free (the grants in ({} ms, {t} ms] were only [{}], fewer than \
             {rate}): {why}. (A token bucket refills at its own pace and refuses calls that the \
             window allows.)",
            t.saturating_sub(window),
            held.join(", ")
        ));
    }
    let (first, most) = (d.held[0], densest(times, &got, window));
    let like = match d.late_grant(times, &got) {
        Some((late, latest)) => format!(
            "The call at {late} ms came after one at {latest} ms: its grant counts from {latest} ms \
             (the latest `now` given), not from {late} ms, so it was still in the window."
        ),
        None if rate >= 2 && most + usize::from(rate >= 3) >= 2 * rate => format!(
            "This is 2R at a boundary ({most} grants within one window in this run): a counter per \
             fixed window resets at each boundary."
        ),
        None => "A counter per fixed window resets at each boundary, and a token bucket refills \
                 before the window has passed: both let more than the rate into one window."
            .into(),
    };
    Err(format!(
        "{story}: that made {} grants from {first} ms to {t} ms, {} ms apart, less than a window of \
         {window} ms, where at most {rate} may be. {like} Keep the instants of the grants still in \
         the window, and grant only while fewer than {rate} are younger than it.",
        rate + 1,
        t - first
    ))
}

pub fn edges() -> Verdict {
    let cases: [(usize, u64, &[u64]); 5] = [
        (3, 100, &[0, 0, 0, 0, 0, 1]), // equal instants: R, then refused
        (1, 100, &[0, 99, 100, 199, 200, 300]), // exactly one window later
        (3, 100, &[0, 99, 99, 100, 100, 100, 101, 199]), // a fixed window's boundary at 100
        (3, 100, &[99, 99, 99, 100, 100, 100, 198, 199]), // its boundary, if it starts at new()
        (2, 100, &[0, 150, 120, 120, 220, 249, 250, 40]), // time going back
    ];
    for (rate, window, times) in cases {
        within(step_limit(), "try_acquire", move || differs(rate, window, times))?.map_err(fail)?;
    }
    for (rate, window) in [(0, 100), (3, 0)] {
        ensure(limiter(rate, window).is_err(), || {
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
        within(step_limit(), "try_acquire", move || {
            let mut rng = Rng::new(23 + seed as u64);
            let w = window as i64;
            let steps = [0, 0, 1, w - 1, w, w + 1, w / 2, w / rate as i64];
            // Gaps between calls: bursts, window edges, pauses, and a clock gone back.
            let draw = || {
                let gap = |rng: &mut Rng| match rng.below(12) {
                    0..=7 => rng.pick(&steps),
                    8 => rng.below(window) as i64,
                    9 | 10 => rng.below(3 * window) as i64,
                    _ => -(rng.below(window) as i64),
                };
                (0..1 + rng.below(40)).map(|_| gap(&mut rng)).collect()
            };
            let fails = |gaps: &[i64]| {
                let times = gaps.iter().scan(0, |t, g| Some((*t + g).max(0)).inspect(|&n| *t = n));
                differs(rate, window, &times.map(|t| t as u64).collect::<Vec<_>>()).err()
            };
            let simpler = |&g: &i64| vec![0, g / 2, g - g.signum()];
            let Some((_, why)) = search(CASES, draw, simpler, fails) else { return Ok(()) };
            Err(format!("{why} (the shortest failing sequence of {CASES} seeded cases)"))
        })?
        .map_err(fail)?;
    }
    Ok(pass("4 rates and windows x 300 seeded arrival sequences: every answer as the log's"))
}

pub fn memory_bounded() -> Verdict {
    const LIMIT: i64 = 64 * 1024;
    let hung = || {
        fail(format!(
            "200000 calls of try_acquire (rate 8 per 10 ms, one call each millisecond) did not finish \
             in {:?}: each call must cost O(rate). Does every call walk a log of every grant ever \
             made? Forget the grants that left the window.",
            step_limit()
        ))
    };
    let measure = || {
        let limiter = limiter(8, 10)?;
        let t0 = Instant::now();
        let calls = || (0..200_000).filter(|&t| limiter.try_acquire(t0 + ms(t))).count();
        Ok(allocs::held_by(calls))
    };
    let (granted, held) = on_thread("ex23-memory", step_limit(), measure, hung)?;
    let figure =
        |o: Outcome| o.figure("bytes held after 200,000 calls", held, format!("<= {LIMIT}"));
    ensure(granted == 160_000, || {
        fail(format!(
            "200000 calls, one each millisecond, at 8 per 10 ms should be granted 160000 times, but \
             {granted} were: the window forgets a grant at exactly 10 ms (see contract-edges)"
        ))
    })?;
    ensure(held <= LIMIT, || {
        figure(fail(format!(
            "after {granted} grants the limiter holds {held} bytes more than when it began: it keeps \
             every grant it ever made. Only the grants still in the window matter (at most rate of \
             them): pop the ones that left it from the front of a VecDeque."
        )))
    })?;
    Ok(figure(pass(format!(
        "{granted} grants; the limiter holds {held} bytes more than at the start"
    ))))
}
