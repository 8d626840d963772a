//! `acquire` on tokio's paused clock: waiters in uneven bursts, each grant
//! timed exactly and each waiter's polls counted.

use super::*;
use futures::stream::{FuturesUnordered, StreamExt};
use kata_harness::polls::Polled;
use kata_harness::service::run_paused;
use kata_harness::{ensure, pass, step_limit};

/// More polls than this for one acquire is a loop that never sleeps.
const CAP: usize = 2_000;

/// Arrivals (ms) in uneven bursts, for rate 2 per 100 ms.
const ARRIVALS: [u64; 14] = [0, 0, 0, 30, 30, 230, 250, 260, 262, 420, 470, 470, 471, 700];

/// What each waiter saw: its arrival, its grant (ms), its polls, and
/// whether the instant returned was the clock's at the grant.
type Waited = (u64, Result<u64, usize>, usize, bool);

/// The earliest grants for `arrivals` in order (FIFO; any order of
/// service gives the same instants when no slot stays free while one waits).
fn earliest(rate: usize, window: u64, arrivals: &[u64]) -> Vec<u64> {
    let mut grants: Vec<u64> = Vec::new();
    for &a in arrivals {
        let slot = grants.len().checked_sub(rate).map_or(0, |k| grants[k] + window);
        grants.push(a.max(slot).max(grants.last().copied().unwrap_or(0)));
    }
    grants
}

pub fn acquire_exact() -> Verdict {
    let (rate, window) = (2, 100);
    let run = run_paused(step_limit(), "2 per 100 ms, 14 acquires in uneven bursts", move || async move {
        let limiter = limiter(rate, window).map_err(|o| o.message)?;
        let t0 = Instant::now();
        let waiters: FuturesUnordered<_> = ARRIVALS
            .iter()
            .map(|&a| {
                let limiter = &limiter;
                async move {
                    tokio::time::sleep_until(at(t0, a)).await;
                    let (waiting, polls) = Polled::new(limiter.acquire(), CAP);
                    let got = waiting.await;
                    let honest = got.is_ok_and(|g| g == Instant::now());
                    let ms = got.map(|g| (g - t0).as_millis() as u64);
                    (a, ms, polls.get(), honest)
                }
            })
            .collect();
        Ok::<Vec<Waited>, String>(waiters.collect().await)
    })?;
    let waited = run.value.map_err(fail)?;
    if let Some(&(a, Err(polls), ..)) = waited.iter().find(|w| w.1.is_err()) {
        return Err(fail(format!(
            "the acquire that began at {a} ms was polled {polls} times and still waited: it asks \
             again and again (a loop of yield_now or of try_acquire) instead of sleeping. On the \
             paused clock time moves only when every task sleeps, so it never came. Sleep until \
             the oldest grant leaves the window: tokio::time::sleep_until(oldest + window).await."
        )));
    }
    let mut got: Vec<u64> = waited.iter().filter_map(|w| w.1.ok()).collect();
    got.sort_unstable();
    let want = earliest(rate, window, &ARRIVALS);
    let list = |v: &[u64]| v.iter().map(|t| format!("{t}")).collect::<Vec<_>>().join(", ");
    ensure(got == want, || {
        let first = got.iter().zip(&want).position(|(g, w)| g != w).unwrap_or(0);
        let late = if got[first] > want[first] {
            "late: a waiter slept longer than it had to (a fixed step, or a whole window), or a slot \
             stayed free while it waited. Sleep exactly until the oldest grant + window, then look again"
        } else {
            "early: more than 2 grants in one window. Look at the log and grant in one lock scope"
        };
        fail(format!(
            "acquires arriving at {} ms (rate {rate} per {window} ms) were granted at {} ms, but the \
             earliest the window allows is {} ms: the {}th grant came {late}.",
            list(&ARRIVALS),
            list(&got),
            list(&want),
            first + 1
        ))
    })?;
    ensure(waited.iter().all(|w| w.3), || {
        fail("acquire returned an instant other than tokio::time::Instant::now() at its grant: return the grant's own instant")
    })?;
    // An honest waiter wakes about once per grant made while it waits.
    for &(a, g, polls, _) in &waited {
        let g = g.unwrap_or(0);
        let grants = want.iter().filter(|&&t| t > a && t <= g).count();
        let bound = 3 + 2 * grants;
        ensure(polls <= bound, || {
            fail(format!(
                "the acquire that began at {a} ms and was granted at {g} ms was polled {polls} times, \
                 though only {grants} grants were made meanwhile (at most {bound} polls): it wakes up \
                 on a timer of its own to ask again (a sleep of a fixed step in a loop). Sleep until \
                 the instant the oldest grant leaves the window, nothing shorter."
            ))
            .figure("polls of one acquire", polls, format!("<= {bound}"))
        })?;
    }
    let most = waited.iter().map(|w| w.2).max().unwrap_or(0);
    Ok(pass(format!("14 grants at exactly {} ms; at most {most} polls for one acquire", list(&want))))
}

pub fn acquire_cancelled() -> Verdict {
    let run = run_paused(step_limit(), "an acquire under a 50 ms timeout", || async {
        let limiter = limiter(1, 100).map_err(|o| o.message)?;
        let t0 = Instant::now();
        let first = limiter.try_acquire(t0);
        let timed_out = tokio::time::timeout(ms(50), limiter.acquire()).await.is_err();
        tokio::time::sleep_until(at(t0, 100)).await;
        Ok::<_, String>((first, timed_out, limiter.try_acquire(Instant::now())))
    })?;
    let (first, timed_out, after) = run.value.map_err(fail)?;
    ensure(first && timed_out, || {
        fail(format!(
            "rate 1 per 100 ms: try_acquire at 0 ms gave {first}, and acquire() under a 50 ms timeout \
             {}: the first must be granted and the second wait until 100 ms",
            ["returned before its time", "timed out"][usize::from(timed_out)]
        ))
    })?;
    ensure(after, || {
        fail(
            "rate 1 per 100 ms: a grant at 0 ms, then an acquire() dropped by a 50 ms timeout; at 100 ms \
             try_acquire was refused: the dropped acquire still held a slot (reserved before it slept). \
             Take a slot only when it is free, at the instant of the grant, so a waiter that is dropped \
             while it sleeps has taken nothing.",
        )
    })?;
    Ok(pass("the acquire dropped by its timeout took no slot: the slot was free at 100 ms"))
}
