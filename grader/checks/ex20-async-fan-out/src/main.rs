//! The hidden checks of ex20 · Async fan-out.
//!
//! `fetch_all` runs on tokio's paused clock (a `current_thread` runtime
//! started paused): whenever every task waits on a timer, the clock jumps to
//! the next deadline, so times are exact and take no real time. The `fetch`
//! handed to it calls the harness's fake service (`kata_harness::service`),
//! which waits its latency on that clock and counts, from its own side,
//! every call and how many were in flight at once. Nothing `fetch_all`
//! reports about itself is trusted.

use kata_harness::protocol::human_duration;
use kata_harness::service::{
    body_for, one_result_each, run_paused, FakeService, Route, Script, Stats,
};
use kata_harness::{ensure, fail, ms, pass, Outcome, Verdict};
use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(fetch_all);

/// Real time a paused-clock run may take. A right answer takes milliseconds
/// (waits cost nothing there); only a blocked thread gets near this.
const REAL_LIMIT: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "order-kept" => order_kept,
            "result i is fetch(ids[i])'s, whatever order the calls finish in; each id fetched once";
        "slowest-not-sum" => slowest_not_sum,
            "8 calls of 100 ms to 800 ms take 800 ms of virtual time (the slowest), not 3.6 s (the sum)";
        "thousand-calls" => thousand_calls,
            "1,000 calls of 1 s take about 1 s: all in flight at once on one thread";
        "empty-input" => empty_input,
            "no ids: no calls, no results";
    })
}

fn path_of(id: u32) -> String {
    format!("/item/{id}")
}

/// The `fetch` handed to the learner: one call of the fake per id, answering
/// the body of `/item/{id}`.
fn service(fake: &FakeService) -> impl Fn(u32) -> Reply {
    let fake = fake.clone();
    move |id| {
        let call = fake.call("service", &path_of(id));
        Box::pin(async move { call.await.body })
    }
}

/// What one call of the service returns (boxed only so that it can be named).
type Reply = Pin<Box<dyn Future<Output = String> + Send>>;

/// What one run of `fetch_all` gave: its results, what the fake counted, and
/// the virtual (and real) time it took.
struct Fanned {
    results: Vec<String>,
    stats: Stats,
    elapsed: Duration,
    wall: Duration,
}

/// Runs `fetch_all(ids)` on the paused clock against a fake scripted by
/// `script`.
fn fan_out(ids: Vec<u32>, script: Script, what: &str) -> Result<Fanned, Outcome> {
    let run = run_paused(REAL_LIMIT, what, move || async move {
        let fake = FakeService::new(script);
        let results = fetch_all(&ids, service(&fake)).await;
        (results, fake.stats())
    })?;
    let (results, stats) = run.value;
    Ok(Fanned { results, stats, elapsed: run.elapsed, wall: run.wall })
}

/// Result `i` must be the body of `/item/{ids[i]}`.
fn results_match(ids: &[u32], results: &[String]) -> Result<(), Outcome> {
    one_result_each("id", ids.len(), results.len())?;
    for (i, (&id, got)) in ids.iter().zip(results).enumerate() {
        let want = body_for(&path_of(id));
        if *got != want {
            let theirs = ids.iter().find(|&&other| body_for(&path_of(other)) == *got);
            return Err(match theirs {
                Some(other) => fail(format!(
                    "result {i} is the result of fetch({other}), but ids[{i}] is {id}: results must come \
                     back in the order of the ids, not in the order the calls finish. Keep each result \
                     in its id's slot (`join_all` does that for you)."
                )),
                None => fail(format!(
                    "result {i} is {got:?}, but fetch({id}) answered {want:?}"
                )),
            });
        }
    }
    Ok(())
}

fn order_kept() -> Verdict {
    // Later ids answer sooner (310 ms down to 40 ms): results kept in the
    // order the calls finish come back reversed.
    let ids: Vec<u32> = (0..10).collect();
    let script = Script::new().routes(
        ids.iter().map(|&id| (path_of(id), Route::ok().latency(ms(u64::from(10 - id) * 30 + 10)))),
    );
    let run = fan_out(ids.clone(), script, "fetch_all of 10 ids")?;
    results_match(&ids, &run.results)?;
    for &id in &ids {
        let times = run.stats.per_path.get(&path_of(id)).copied().unwrap_or(0);
        ensure(times == 1, || {
            fail(format!("fetch({id}) was called {times} times: call it exactly once per id"))
                .figure(format!("calls of fetch({id})"), times, "== 1")
        })?;
    }
    Ok(pass(
        "all 10 results in the order of the ids, though the later ids answered first; one call per id",
    ))
}

fn slowest_not_sum() -> Verdict {
    let ids: Vec<u32> = vec![3, 7, 1, 8, 2, 6, 4, 5];
    let latency = |id: u32| ms(u64::from(id) * 100);
    let script =
        Script::new().routes(ids.iter().map(|&id| (path_of(id), Route::ok().latency(latency(id)))));
    let run = fan_out(ids.clone(), script, "fetch_all of 8 ids")?;
    results_match(&ids, &run.results)?;
    let slowest = ids.iter().map(|&id| latency(id)).max().unwrap_or_default();
    let sum: Duration = ids.iter().map(|&id| latency(id)).sum();
    // The paused clock is exact to the millisecond (tokio's timer rounds a
    // deadline up to the next one), so 5% is slack, not tolerance of noise.
    let bound = slowest.mul_f64(1.05);
    let peak = run.stats.peak_in_flight;
    let elapsed = run.elapsed;
    let report = |o: Outcome| {
        o.figure(
            "virtual time",
            human_duration(elapsed),
            format!(
                "≤ {} (the slowest call, {}, + 5%)",
                human_duration(bound),
                human_duration(slowest)
            ),
        )
        .figure("calls in flight at once", peak, format!("== {}", ids.len()))
        .detail(format!(
            "latencies: {}; slowest {}, sum {}",
            ids.iter().map(|&id| human_duration(latency(id))).collect::<Vec<_>>().join(", "),
            human_duration(slowest),
            human_duration(sum)
        ))
    };
    ensure(elapsed <= bound, || {
        let how = if elapsed >= sum.mul_f64(0.95) {
            format!(
                "that is the sum of the latencies ({}), so the calls ran one after another. An `.await` in \
                 a loop waits for each call before the next one even starts; building all the futures first \
                 and awaiting them one by one is no better, because a future does nothing until it is \
                 polled. Poll them together: `futures::future::join_all`, or spawn each as a task.",
                human_duration(sum)
            )
        } else {
            format!(
                "at most {peak} of the 8 calls were ever in flight at once: start them all before waiting \
                 for any, and wait for them together."
            )
        };
        report(fail(format!(
            "8 calls whose slowest takes {} took {} of virtual time: {how}",
            human_duration(slowest),
            human_duration(elapsed)
        )))
    })?;
    ensure(peak == ids.len(), || {
        report(fail(format!(
            "only {peak} of the 8 calls were in flight at once: start them all before waiting for any"
        )))
    })?;
    Ok(report(pass(format!(
        "8 calls took {}, the time of the slowest ({}), not the sum ({})",
        human_duration(elapsed),
        human_duration(slowest),
        human_duration(sum)
    ))))
}

fn thousand_calls() -> Verdict {
    let n: u32 = 1000;
    let ids: Vec<u32> = (0..n).collect();
    let latency = ms(1000);
    let run = fan_out(ids.clone(), Script::new().latency(latency), "fetch_all of 1,000 ids")?;
    let stats = &run.stats;
    results_match(&ids, &run.results)?;
    let bound = latency.mul_f64(1.05);
    let report = |o: Outcome| {
        o.figure(
            "virtual time",
            human_duration(run.elapsed),
            format!("≤ {:.2} s (1 s + 5%)", bound.as_secs_f64()),
        )
        .figure("calls in flight at once", stats.peak_in_flight, format!("== {n}"))
        .detail(format!(
            "real time for the whole run: {} (the paused clock skips the waiting)",
            human_duration(run.wall)
        ))
    };
    ensure(run.elapsed <= bound && stats.peak_in_flight == ids.len(), || {
        let peak = stats.peak_in_flight;
        let capped = if peak > 1 && peak < ids.len() {
            format!(
                    ". At most {peak} at once is a cap of your own (chunks of {peak} joined one after \
                     another, `buffer_unordered({peak})`, a semaphore?): fetch_all has none, so the \
                     service sees every call at once"
                )
        } else {
            String::new()
        };
        report(fail(format!(
                "1,000 calls of 1 s took {} of virtual time with at most {peak} in flight at once: every call \
                 must be in flight at the same time, whatever their number{capped}",
                human_duration(run.elapsed),
            )))
    })?;
    Ok(report(pass(format!(
        "1,000 calls of 1 s took {} of virtual time, all in flight at once on one thread",
        human_duration(run.elapsed)
    ))))
}

fn empty_input() -> Verdict {
    let run = fan_out(Vec::new(), Script::new(), "fetch_all of no ids")?;
    ensure(run.results.is_empty(), || {
        fail(format!("fetch_all of no ids returned {} results: expected none", run.results.len()))
    })?;
    ensure(run.stats.requests == 0, || {
        fail(format!(
            "fetch_all of no ids called fetch {} times: expected no calls",
            run.stats.requests
        ))
    })?;
    Ok(pass("no ids, no calls, no results"))
}
