//! `acquire` on tokio's paused clock: waiters in uneven bursts, each grant
//! timed exactly and each waiter's polls counted.

use super::*;
use kata_harness::polls::arrive;
use kata_harness::service::run_paused;
use kata_harness::window::earliest;
use kata_harness::{ensure, pass, step_limit};

/// Arrivals (ms) in uneven bursts and gaps, for rate 2 per 100 ms.
const ARRIVALS: [u64; 14] = [0, 0, 0, 30, 30, 230, 250, 260, 262, 420, 470, 470, 471, 700];

pub fn acquire_exact() -> Verdict {
    let what = "2 per 100 ms, 14 acquires in uneven bursts";
    let run = run_paused(step_limit(), what, || async {
        let limiter = limiter(2, 100).map_err(|o| o.message)?;
        let t0 = Instant::now();
        let grant = || async { limiter.acquire().await == Instant::now() };
        Ok::<_, String>(arrive(t0, &ARRIVALS, 2_000, grant).await)
    })?;
    let waited = run.value.map_err(fail)?;
    if let Some(w) = waited.iter().find(|w| w.value.is_err()) {
        return Err(fail(format!(
            "the acquire that began at {} ms was polled {} times and still waited: it asks again \
             (a loop of yield_now or of try_acquire) instead of sleeping, and on the paused clock \
             time moves only when every task sleeps. Sleep: sleep_until(oldest + window).await.",
            w.at, w.polls
        )));
    }
    ensure(waited.iter().all(|w| w.value == Ok(true)), || {
        fail("acquire returned an instant other than tokio::time::Instant::now() at its grant: return the grant's own instant")
    })?;
    let mut got: Vec<u64> = waited.iter().map(|w| w.ended).collect();
    got.sort_unstable();
    let want = earliest(2, 100, &ARRIVALS);
    let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    ensure(got == want, || {
        let first = got.iter().zip(&want).position(|(g, w)| g != w).unwrap_or(0);
        let how = if got[first] > want[first] {
            "late: a waiter slept longer than it had to (a fixed step, or a whole window), or a slot \
             stayed free while it waited. Sleep exactly until the oldest grant + window, then look again"
        } else {
            "early: more than 2 grants in one window. Look at the log and grant in one lock scope"
        };
        fail(format!(
            "acquires arriving at {} ms (rate 2 per 100 ms) were granted at {} ms, but the earliest \
             the window allows is {} ms: grant {} came {how}.",
            list(&ARRIVALS),
            list(&got),
            list(&want),
            first + 1
        ))
    })?;
    // An honest waiter wakes about once per grant made while it waits.
    for w in &waited {
        let grants = want.iter().filter(|&&t| t > w.at && t <= w.ended).count();
        let bound = 3 + 2 * grants;
        ensure(w.polls <= bound, || {
            fail(format!(
                "the acquire that began at {} ms and was granted at {} ms was polled {} times, though \
                 only {grants} grants were made meanwhile (at most {bound} polls): it wakes up on a \
                 timer of its own to ask again (a sleep of a fixed step in a loop). Sleep until the \
                 instant the oldest grant leaves the window, nothing shorter.",
                w.at, w.ended, w.polls
            ))
            .figure("polls of one acquire", w.polls, format!("<= {bound}"))
        })?;
    }
    let most = waited.iter().map(|w| w.polls).max().unwrap_or(0);
    Ok(pass(format!(
        "14 grants at exactly {} ms; at most {most} polls for one acquire",
        list(&want)
    )))
}

pub fn acquire_cancelled() -> Verdict {
    let run = run_paused(step_limit(), "an acquire under a 50 ms timeout", || async {
        let limiter = limiter(1, 100).map_err(|o| o.message)?;
        let t0 = Instant::now();
        let first = limiter.try_acquire(t0);
        let timed_out = tokio::time::timeout(ms(50), limiter.acquire()).await.is_err();
        tokio::time::sleep_until(t0 + ms(100)).await;
        Ok::<_, String>((first, timed_out, limiter.try_acquire(Instant::now())))
    })?;
    let (first, timed_out, after) = run.value.map_err(fail)?;
    ensure(first && timed_out && after, || {
        fail(format!(
            "rate 1 per 100 ms: try_acquire at 0 ms gave {first} (should be true), acquire() under a 50 \
             ms timeout {} (should time out), try_acquire at 100 ms gave {after} (should be true). A \
             refusal at 100 ms means the dropped acquire still held a slot (reserved before it \
             slept): take a slot only at the instant of the grant, so that a waiter dropped while \
             it sleeps has taken nothing.",
            ["returned", "timed out"][usize::from(timed_out)]
        ))
    })?;
    Ok(pass("the acquire dropped by its timeout took no slot: the slot was free at 100 ms"))
}
