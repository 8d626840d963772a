//! The hidden checks of ex24 · Rate-limited client.
//!
//! Two phases (principle 3 of the curriculum):
//!
//! - On tokio's paused clock, the learner's `Client` runs over a fake
//!   `Transport` backed by `kata_harness::asyncx::FakeService`, which waits its
//!   latency on that clock and counts, from its own side, every call, the
//!   peak in flight overall and per host, and every start time. Times are
//!   virtual and exact, so the limits are judged exactly and time is held to
//!   1.05 × the ideal.
//! - Over real HTTP, the learner's `HttpTransport` (wrapped by the check,
//!   which notes when each request leaves) talks to `kata_fakes::FakeServer`
//!   on 127.0.0.1: three hosts (ports), a sliding-window meter that answers
//!   429 past `rate + 1` arrivals per window, and server-side counts. Real
//!   time is noisy, so the bound is looser: 1.3 × the ideal + 150 ms.
//!
//! The ideal is `asyncx::ideal_time`: each request starting as early as the
//! limits allow. Nothing the code under test reports about itself is trusted.

use futures::future::join_all;
use kata_fakes::{Event, FakeServer, Script, Stats};
use kata_harness::asyncx::{
    body_for, ideal_time, max_in_window, run_loopback, run_paused, timeline, FakeCall, FakeRoute,
    FakeScript, FakeService, FakeStats, IdealLimits, Stopwatch,
};
use kata_harness::protocol::human_duration;
use kata_harness::{ensure, fail, pass, Check, Outcome, Verdict};
use std::future::Future;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

kata_harness::exercise!(
    Client,
    ClientError,
    HttpTransport,
    Limits,
    Response,
    Transport,
    TransportError
);

/// Real time a paused-clock run may take. A right client takes milliseconds
/// there (waiting costs nothing); only a blocked thread gets near this.
const PAUSED_LIMIT: Duration = Duration::from_secs(3);
/// Real time a loopback run may take: about ten times what a right client
/// needs, even one that honours `Retry-After` in whole seconds.
const LOOPBACK_LIMIT: Duration = Duration::from_secs(12);
/// A rate so high it never binds, for checks about other limits.
const NO_RATE: usize = 100_000;

fn main() -> ExitCode {
    kata_harness::main(&[
        Check::new(
            "results-in-order",
            "result i is urls[i]'s; a 404 or 500 gives its own Err(Status) and is not retried; each URL requested once",
            results_in_order,
        ),
        Check::new(
            "concurrency-cap",
            "paused clock: 30 requests, concurrency 4: never more than 4 in flight, within 1.05 × the ideal time",
            concurrency_cap,
        ),
        Check::new(
            "rate-limit",
            "paused clock: 30 requests at 5 per 1 s: never more than 5 starts in any 1 s, within 1.05 × the ideal time",
            rate_limit,
        ),
        Check::new(
            "per-host-caps",
            "paused clock: 3 hosts (two on one name, other ports), 2 per host: each host's cap held, within 1.05 × the ideal time",
            per_host_caps,
        ),
        Check::new(
            "retry-after",
            "paused clock: a 429 is retried after what Retry-After says, not sooner; after max_retries, Err(RateLimited)",
            retry_after,
        ),
        Check::new(
            "limits-shared",
            "paused clock: two get_all at once on one Client share its concurrency and rate",
            limits_shared,
        ),
        Check::new(
            "notes-experiment",
            "paused clock: 50 calls of 500 ms with at most 1, 5, 10 in flight: time, mean latency and peak of each",
            notes_experiment,
        ),
        Check::new(
            "loopback",
            "real HTTP, 3 hosts: caps held server-side, departures within the rate, no 429 from a server allowing rate + 1, ≤ 1.3 × ideal + 150 ms",
            loopback,
        ),
        Check::new(
            "loopback-retry-after",
            "real HTTP, a server stricter than the client: every retry waits what its 429 said, every URL succeeds",
            loopback_retry_after,
        ),
    ])
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn limits(
    concurrency: usize,
    per_host: usize,
    rate: usize,
    window: Duration,
    max_retries: u32,
) -> Limits {
    Limits {
        concurrency,
        per_host,
        rate,
        window,
        max_retries,
    }
}

fn ideal_limits(limits: Limits) -> IdealLimits {
    IdealLimits {
        concurrency: limits.concurrency,
        per_host: limits.per_host,
        rate: (limits.rate < NO_RATE).then_some((limits.rate, limits.window)),
    }
}

/// `http://api.test:81/x?y` → (`api.test:81`, `/x?y`).
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, "/"),
    }
}

/// The fake transport of the paused phase: every GET is a call of the
/// check's `FakeService`, on the paused clock.
struct FakeTransport(FakeService);

impl Transport for FakeTransport {
    fn get(&self, url: &str) -> impl Future<Output = Result<Response, TransportError>> + Send {
        let (host, path) = split_url(url);
        let call = self.0.call(host, path);
        async move {
            let reply = call.await;
            Ok(Response {
                status: reply.status,
                headers: reply.headers,
                body: reply.body,
            })
        }
    }
}

/// `Ok("...")` / `Err(Status(500))`, as a learner would write it.
fn show(result: &Result<String, ClientError>) -> String {
    match result {
        Ok(body) => format!("Ok({body:?})"),
        Err(e) => format!("Err({e:?})"),
    }
}

/// What one paused-clock `get_all` gave and what the fake saw.
struct Paused {
    results: Vec<Result<String, ClientError>>,
    stats: FakeStats,
    calls: Vec<FakeCall>,
    elapsed: Duration,
}

/// `client.get_all(urls)` on the paused clock, over a fake of `script`.
fn paused_get_all(
    what: &str,
    script: FakeScript,
    limits: Limits,
    urls: Vec<String>,
) -> Result<Paused, Outcome> {
    let run = run_paused(PAUSED_LIMIT, what, move || async move {
        let fake = FakeService::new(script);
        let client = Client::new(FakeTransport(fake.clone()), limits);
        let results = client.get_all(&urls).await;
        (results, fake.stats(), fake.calls())
    })?;
    let (results, stats, calls) = run.value;
    Ok(Paused {
        results,
        stats,
        calls,
        elapsed: run.elapsed,
    })
}

/// Every result must be the body of its URL.
fn all_bodies(urls: &[String], results: &[Result<String, ClientError>]) -> Result<(), Outcome> {
    ensure(results.len() == urls.len(), || {
        fail(format!(
            "expected {} results (one per URL), got {}",
            urls.len(),
            results.len()
        ))
    })?;
    for (i, (url, result)) in urls.iter().zip(results).enumerate() {
        let want = body_for(split_url(url).1);
        ensure(*result == Ok(want.clone()), || {
            match result {
            Ok(body) if urls.iter().any(|u| body_for(split_url(u).1) == *body) => fail(format!(
                "result {i} is {}, the body of another URL: results must come back in the order of the URLs",
                show(result)
            )),
            _ => fail(format!(
                "urls[{i}] ({url}) answers 200 with {want:?}, but its result is {}",
                show(result)
            )),
        }
        })?;
    }
    Ok(())
}

fn spans(calls: &[FakeCall]) -> Vec<(Duration, Duration)> {
    calls.iter().map(|c| (c.start, c.end)).collect()
}

fn results_in_order() -> Verdict {
    // Later URLs answer sooner (260 ms down to 40 ms): results kept in the
    // order they finish come back shuffled.
    let n = 12u64;
    let paths: Vec<String> = (0..n).map(|i| format!("/page/{i}")).collect();
    let status_of = |i: usize| match i {
        2 => 404,
        7 => 500,
        _ => 200,
    };
    let mut script = FakeScript::new();
    for (i, path) in paths.iter().enumerate() {
        let latency = ms((n - i as u64) * 20 + 20);
        script = script.route(path, FakeRoute::status(status_of(i)).latency(latency));
    }
    let urls: Vec<String> = paths
        .iter()
        .map(|p| format!("http://api.test{p}"))
        .collect();
    let run = paused_get_all(
        "get_all of 12 URLs",
        script,
        limits(4, 4, NO_RATE, ms(1000), 3),
        urls.clone(),
    )?;
    ensure(run.results.len() == urls.len(), || {
        fail(format!(
            "expected {} results (one per URL), got {}: a failed URL must give its own Err",
            urls.len(),
            run.results.len()
        ))
    })?;
    for (i, path) in paths.iter().enumerate() {
        let times = run.stats.per_path.get(path).copied().unwrap_or(0);
        ensure(times == 1, || {
            let why = if times == 0 {
                "never requested: a failed URL must never stop the others".to_string()
            } else if status_of(i) != 200 {
                format!(
                    "requested {times} times: it answers {}, and only a 429 is retried (a 404 or a 500 is an \
                     answer, not a hiccup: give it back as Err(Status(code)))",
                    status_of(i)
                )
            } else {
                format!("requested {times} times: request each URL once")
            };
            fail(format!("urls[{i}] ({path}) was {why}")).figure(
                format!("requests for {path} (fake's side)"),
                times,
                "== 1",
            )
        })?;
    }
    for (i, (result, path)) in run.results.iter().zip(&paths).enumerate() {
        let want = match status_of(i) {
            200 => Ok(body_for(path)),
            code => Err(ClientError::Status(code)),
        };
        ensure(*result == want, || {
            let hint = match (&want, result) {
                (Ok(_), Ok(_)) => {
                    "that is another URL's body: results must come back in the order of the URLs"
                }
                (Err(_), Ok(_)) => "a non-2xx answer is not a body: give Err(Status(code))",
                _ => "each URL gets its own result, whatever happened to the others",
            };
            fail(format!(
                "urls[{i}] ({path}) should give {}, but its result is {}: {hint}",
                show(&want),
                show(result)
            ))
        })?;
    }
    let empty = paused_get_all(
        "get_all of no URLs",
        FakeScript::new(),
        limits(4, 4, NO_RATE, ms(1000), 3),
        Vec::new(),
    )?;
    ensure(empty.results.is_empty() && empty.stats.calls == 0, || {
        fail(format!(
            "get_all of no URLs gave {} results after {} requests: expected none of either",
            empty.results.len(),
            empty.stats.calls
        ))
    })?;
    Ok(pass(
        "10 bodies and Err(Status(404)), Err(Status(500)) in their places, each URL requested once; no URLs gave no results",
    ))
}

fn concurrency_cap() -> Verdict {
    let cap = 4;
    let latency = ms(100);
    let urls: Vec<String> = (0..30)
        .map(|i| format!("http://api.test/item/{i}"))
        .collect();
    let limits = limits(cap, cap, NO_RATE, ms(1000), 3);
    let run = paused_get_all(
        "get_all of 30 URLs",
        FakeScript::new().latency(latency),
        limits,
        urls.clone(),
    )?;
    all_bodies(&urls, &run.results)?;
    let jobs: Vec<(&str, Duration)> = urls.iter().map(|_| ("api.test", latency)).collect();
    let ideal = ideal_time(&jobs, ideal_limits(limits));
    let bound = ideal.mul_f64(1.05);
    let peak = run.stats.peak_in_flight;
    let picture = timeline("in flight (fake's side)", &spans(&run.calls));
    let report = |o: Outcome| {
        o.figure("peak in flight (fake's side)", peak, format!("≤ {cap}"))
            .figure(
                "virtual time",
                human_duration(run.elapsed),
                format!(
                    "≤ 1.05 × ideal {} = {}",
                    human_duration(ideal),
                    human_duration(bound)
                ),
            )
            .detail(picture.clone())
    };
    ensure(peak <= cap, || {
        report(fail(format!(
            "the fake saw {peak} requests in flight at once, but concurrency is {cap}. `join_all` alone sends \
             every request at once: hold a permit of a `tokio::sync::Semaphore` with `concurrency` permits \
             from just before each request is sent until its answer is back."
        )))
    })?;
    ensure(run.elapsed <= bound, || {
        report(fail(format!(
            "30 requests of {}, {cap} at a time, took {} of virtual time, but {cap} at a time need only {}: \
             keep all {cap} slots busy (a waiting request must take a slot as soon as one frees, not wait \
             for a whole batch to end)",
            human_duration(latency),
            human_duration(run.elapsed),
            human_duration(ideal)
        )))
    })?;
    Ok(report(pass(format!(
        "at most {peak} in flight, {} for 30 requests of {} (ideal {})",
        human_duration(run.elapsed),
        human_duration(latency),
        human_duration(ideal)
    ))))
}

/// One digit per window-long step: how many requests started in it.
fn starts_per_window(calls: &[FakeCall], window: Duration) -> String {
    let Some(last) = calls.iter().map(|c| c.start).max() else {
        return "no requests".into();
    };
    let steps = usize::try_from(last.as_nanos() / window.as_nanos().max(1)).unwrap_or(0) + 1;
    let mut counts = vec![0usize; steps];
    for call in calls {
        let step = usize::try_from(call.start.as_nanos() / window.as_nanos().max(1)).unwrap_or(0);
        if let Some(n) = counts.get_mut(step) {
            *n += 1;
        }
    }
    counts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn rate_limit() -> Verdict {
    let (rate, window) = (5, ms(1000));
    let latency = ms(50);
    let urls: Vec<String> = (0..30)
        .map(|i| format!("http://api.test/item/{i}"))
        .collect();
    let limits = limits(10, 10, rate, window, 3);
    let run = paused_get_all(
        "get_all of 30 URLs at 5 per second",
        FakeScript::new().latency(latency),
        limits,
        urls.clone(),
    )?;
    all_bodies(&urls, &run.results)?;
    let starts: Vec<Duration> = run.calls.iter().map(|c| c.start).collect();
    let most = max_in_window(&starts, window);
    let jobs: Vec<(&str, Duration)> = urls.iter().map(|_| ("api.test", latency)).collect();
    let ideal = ideal_time(&jobs, ideal_limits(limits));
    let bound = ideal.mul_f64(1.05);
    let per_window = starts_per_window(&run.calls, window);
    let report = |o: Outcome| {
        o.figure(
            "most starts within any 1 s (fake's side)",
            most,
            format!("≤ {rate}"),
        )
        .figure(
            "virtual time",
            human_duration(run.elapsed),
            format!(
                "≤ 1.05 × ideal {} = {}",
                human_duration(ideal),
                human_duration(bound)
            ),
        )
        .detail(format!(
            "starts in each second from the first: {per_window}"
        ))
    };
    let peak = run.stats.peak_in_flight;
    ensure(peak <= limits.concurrency, || {
        report(fail(format!(
            "nothing held the requests back: the fake saw {peak} in flight at once (concurrency is {}) and \
             {most} starts within one window of 1 s (the rate is {rate} per 1 s). `join_all` alone sends every \
             request at once; the limits must make each `get` wait for its turn.",
            limits.concurrency
        )))
    })?;
    ensure(most <= rate, || {
        report(fail(format!(
            "{most} requests started within one window of 1 s, but the rate is {rate} per 1 s. A semaphore \
             caps how many requests are in flight, not how many start per window: keep the start times of \
             the recent requests, and let one more start only when fewer than {rate} started within the \
             last window (else sleep until the oldest of them is one window old)."
        )))
    })?;
    ensure(run.elapsed <= bound, || {
        report(fail(format!(
            "30 requests at {rate} per second took {} of virtual time; the rate allows {}: a request may start \
             as soon as the oldest of the last {rate} starts is one window old (a sliding window). Waiting \
             for a whole new window, or longer, wastes time.",
            human_duration(run.elapsed),
            human_duration(ideal)
        )))
    })?;
    Ok(report(pass(format!(
        "never more than {most} starts within 1 s; {} for 30 requests (ideal {})",
        human_duration(run.elapsed),
        human_duration(ideal)
    ))))
}

fn per_host_caps() -> Verdict {
    let hosts = ["alpha.test:7001", "alpha.test:7002", "beta.test"];
    let host_of = |i: usize| hosts[[0, 0, 1, 2][i % 4]];
    let latency = ms(100);
    let cap = 2;
    let urls: Vec<String> = (0..24)
        .map(|i| format!("http://{}/item/{i}", host_of(i)))
        .collect();
    // 3 hosts × 2 = 6: the overall cap never binds, so each host is on its
    // own and the ideal is the busiest host's: 12 requests, 2 at a time.
    let limits = limits(6, cap, NO_RATE, ms(1000), 3);
    let run = paused_get_all(
        "get_all of 24 URLs on 3 hosts",
        FakeScript::new().latency(latency),
        limits,
        urls.clone(),
    )?;
    all_bodies(&urls, &run.results)?;
    let jobs: Vec<(&str, Duration)> = (0..urls.len()).map(|i| (host_of(i), latency)).collect();
    let ideal = ideal_time(&jobs, ideal_limits(limits));
    let bound = ideal.mul_f64(1.05);
    let peaks = &run.stats.peak_per_host;
    let listed = hosts
        .iter()
        .map(|h| format!("{h}: {}", peaks.get(*h).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ");
    let worst = peaks.values().copied().max().unwrap_or(0);
    let report = |o: Outcome| {
        o.figure(
            "peak in flight per host (fake's side)",
            worst,
            format!("≤ {cap}"),
        )
        .figure(
            "virtual time",
            human_duration(run.elapsed),
            format!(
                "≤ 1.05 × ideal {} = {}",
                human_duration(ideal),
                human_duration(bound)
            ),
        )
        .detail(format!("peak in flight per host: {listed}"))
        .detail(timeline(
            "in flight, all hosts (fake's side)",
            &spans(&run.calls),
        ))
    };
    if let Some((host, peak)) = peaks.iter().find(|(_, &p)| p > cap) {
        return Err(report(fail(format!(
            "{host} had {peak} requests in flight at once, but per_host is {cap}: keep one semaphore of \
             `per_host` permits per host (`host_of(url)`, port included), made the first time the host is \
             seen, and take its permit before the overall one"
        ))));
    }
    ensure(run.stats.peak_in_flight <= limits.concurrency, || {
        report(fail(format!(
            "{} requests were in flight at once, but concurrency is {}",
            run.stats.peak_in_flight, limits.concurrency
        )))
    })?;
    ensure(run.elapsed <= bound, || {
        report(fail(format!(
            "24 requests of {} on 3 hosts, 2 at a time per host, took {} of virtual time, but the busiest \
             host needs only {}: do alpha.test:7001 and alpha.test:7002 share one cap? They are two hosts \
             (the port counts). Or does a request waiting for a busy host hold a slot of the overall cap?",
            human_duration(latency),
            human_duration(run.elapsed),
            human_duration(ideal)
        )))
    })?;
    Ok(report(pass(format!(
        "at most {cap} in flight per host ({listed}); {} for 24 requests (ideal {})",
        human_duration(run.elapsed),
        human_duration(ideal)
    ))))
}

fn retry_after() -> Verdict {
    let max_retries = 3;
    // /busy says "wait 700 ms" twice, then answers; /never always says
    // "wait 300 ms". `Retry-After` carries the same in whole seconds (1).
    let told = |path: &str| if path == "/busy" { ms(700) } else { ms(300) };
    let script = FakeScript::new()
        .route(
            "/busy",
            FakeRoute::ok().latency(ms(50)).busy(2, told("/busy")),
        )
        .route("/never", FakeRoute::ok().busy(usize::MAX, told("/never")));
    let urls = vec![
        "http://api.test/busy".to_string(),
        "http://api.test/never".to_string(),
    ];
    let run = paused_get_all(
        "get_all of 2 URLs answered 429",
        script,
        limits(4, 4, NO_RATE, ms(1000), max_retries),
        urls,
    )?;
    let attempts =
        |path: &str| -> Vec<&FakeCall> { run.calls.iter().filter(|c| c.path == path).collect() };
    // `Retry-After: 1`, and a little more for a client that adds jitter.
    let longest = ms(1250);
    for path in ["/busy", "/never"] {
        let tries = attempts(path);
        for pair in tries.windows(2) {
            let gap = pair[1].start.saturating_sub(pair[0].end);
            ensure(gap >= told(path), || {
                fail(format!(
                    "{path} was tried again {} after a 429 that said to wait {} (`x-retry-after-ms: {}`, \
                     `Retry-After: 1`): a retry sooner than the server said only earns another 429. Read the \
                     header and `tokio::time::sleep` that long before trying again.",
                    human_duration(gap),
                    human_duration(told(path)),
                    told(path).as_millis()
                ))
                .figure(format!("wait before retrying {path}"), human_duration(gap), format!("≥ {}", human_duration(told(path))))
            })?;
            ensure(gap <= longest, || {
                fail(format!(
                    "{path} was tried again only {} after a 429 that said to wait {} (`Retry-After: 1`): wait \
                     what the server says, not longer",
                    human_duration(gap),
                    human_duration(told(path))
                ))
                .figure(format!("wait before retrying {path}"), human_duration(gap), format!("≤ {}", human_duration(longest)))
            })?;
        }
    }
    let busy = run.results.first().cloned();
    let never = run.results.get(1).cloned();
    ensure(busy != Some(Err(ClientError::Status(429))), || {
        fail(
            "/busy answered 429 and its result is Err(Status(429)): a 429 is not a failure but \"not now\". \
             Wait what Retry-After says and try again, up to max_retries times.",
        )
    })?;
    let busy_tries = attempts("/busy").len();
    ensure(
        busy == Some(Ok(body_for("/busy"))) && busy_tries == 3,
        || {
            fail(format!(
            "/busy answers 429 twice, then 200: it should take 3 requests and give Ok({:?}), but it took \
             {busy_tries} and gave {}",
            body_for("/busy"),
            busy.as_ref().map_or("nothing".into(), show)
        ))
        },
    )?;
    let never_tries = attempts("/never").len();
    let want = 1 + max_retries as usize;
    ensure(never_tries == want, || {
        fail(format!(
            "/never always answers 429 and max_retries is {max_retries}, so it should be requested {want} times \
             (once, then {max_retries} retries), but it was requested {never_tries} times"
        ))
        .figure("requests for /never (fake's side)", never_tries, format!("== {want}"))
    })?;
    let gave_up = Err(ClientError::RateLimited {
        attempts: 1 + max_retries,
    });
    ensure(never.as_ref() == Some(&gave_up), || {
        fail(format!(
            "/never gave {} after {never_tries} requests: give Err(RateLimited {{ attempts: {want} }})",
            never.as_ref().map_or("nothing".into(), show)
        ))
    })?;
    Ok(pass(format!(
        "each retry waited what its 429 said (≥ 700 ms, ≥ 300 ms); /busy gave its body on the 3rd request, /never \
         gave up after {want}"
    )))
}

fn limits_shared() -> Verdict {
    let (cap, rate, window) = (3, 4, ms(1000));
    let latency = ms(100);
    let limits = limits(cap, cap, rate, window, 3);
    let a: Vec<String> = (0..12).map(|i| format!("http://api.test/a/{i}")).collect();
    let b: Vec<String> = (0..12).map(|i| format!("http://api.test/b/{i}")).collect();
    let (run_a, run_b) = (a.clone(), b.clone());
    let run = run_paused(PAUSED_LIMIT, "two get_all at once", move || async move {
        let fake = FakeService::new(FakeScript::new().latency(latency));
        let client = Client::new(FakeTransport(fake.clone()), limits);
        let (ra, rb) = tokio::join!(client.get_all(&run_a), client.get_all(&run_b));
        (ra, rb, fake.stats(), fake.calls())
    })?;
    let (ra, rb, stats, calls) = run.value;
    all_bodies(&a, &ra)?;
    all_bodies(&b, &rb)?;
    let starts: Vec<Duration> = calls.iter().map(|c| c.start).collect();
    let most = max_in_window(&starts, window);
    let peak = stats.peak_in_flight;
    let report = |o: Outcome| {
        o.figure(
            "peak in flight, both calls (fake's side)",
            peak,
            format!("≤ {cap}"),
        )
        .figure("most starts within any 1 s", most, format!("≤ {rate}"))
    };
    ensure(peak <= cap, || {
        report(fail(format!(
            "two get_all running at once on one Client had {peak} requests in flight; its concurrency is {cap}. \
             The limits belong to the Client and hold over every call made through it: keep the semaphores \
             and the start times in the Client, and take them in `get` (a limit built inside `get_all` bounds \
             only that one call)."
        )))
    })?;
    ensure(most <= rate, || {
        report(fail(format!(
            "two get_all running at once on one Client started {most} requests within one window of 1 s; its \
             rate is {rate} per 1 s over both calls. Keep the start times of recent requests in the Client, \
             shared by every `get`."
        )))
    })?;
    let jobs: Vec<(&str, Duration)> = (0..24).map(|_| ("api.test", latency)).collect();
    let ideal = ideal_time(&jobs, ideal_limits(limits));
    let bound = ideal.mul_f64(1.05);
    ensure(run.elapsed <= bound, || {
        report(fail(format!(
            "24 requests through one Client took {} of virtual time; its limits allow {}",
            human_duration(run.elapsed),
            human_duration(ideal)
        )))
        .figure(
            "virtual time",
            human_duration(run.elapsed),
            format!("≤ {}", human_duration(bound)),
        )
    })?;
    Ok(report(pass(format!(
        "both calls shared the limits: at most {peak} in flight, {most} starts per 1 s, {} for 24 requests (ideal {})",
        human_duration(run.elapsed),
        human_duration(ideal)
    ))))
}

/// One line of the notes' experiment: 50 calls of 500 ms at one limit.
struct Row {
    limit: usize,
    elapsed: Duration,
    ideal: Duration,
    /// Mean time from a call's start to its answer, on the fake's side.
    mean_response: Duration,
    /// Mean time from `get` being called to its result, queueing included.
    mean_wait: Duration,
    peak: usize,
}

fn mean(durations: impl Iterator<Item = Duration>) -> Duration {
    let (sum, n) = durations.fold((Duration::ZERO, 0u32), |(s, n), d| (s + d, n + 1));
    if n == 0 {
        Duration::ZERO
    } else {
        sum / n
    }
}

fn notes_experiment() -> Verdict {
    let n = 50;
    let latency = ms(500);
    let mut rows = Vec::new();
    for limit in [1, 5, 10] {
        let urls: Vec<String> = (0..n)
            .map(|i| format!("http://api.test/call/{i}"))
            .collect();
        let run_urls = urls.clone();
        let limits = limits(limit, limit, NO_RATE, ms(1000), 3);
        // The check calls `get` itself, 50 at once with `join_all`, the way
        // the notes' `asyncio.gather` does: the Client's limits must hold.
        let run = run_paused(
            PAUSED_LIMIT,
            "50 calls of get at once",
            move || async move {
                let fake = FakeService::new(FakeScript::new().latency(latency));
                let client = Client::new(FakeTransport(fake.clone()), limits);
                let client = &client;
                let timed = join_all(run_urls.iter().map(|url| async move {
                    let watch = Stopwatch::start();
                    let result = client.get(url).await;
                    (result, watch.elapsed())
                }))
                .await;
                (timed, fake.stats(), fake.calls())
            },
        )?;
        let (timed, stats, calls) = run.value;
        let (results, waits): (Vec<_>, Vec<_>) = timed.into_iter().unzip();
        all_bodies(&urls, &results)?;
        let jobs: Vec<(&str, Duration)> = urls.iter().map(|_| ("api.test", latency)).collect();
        rows.push(Row {
            limit,
            elapsed: run.elapsed,
            ideal: ideal_time(&jobs, ideal_limits(limits)),
            mean_response: mean(calls.iter().map(|c| c.end.saturating_sub(c.start))),
            mean_wait: mean(waits.into_iter()),
            peak: stats.peak_in_flight,
        });
    }
    let table = |o: Outcome| {
        let mut o = o.detail(
            "at most | total  | ideal  | mean response | mean wait for the result | peak in flight",
        );
        for r in &rows {
            o = o.detail(format!(
                "{:>7} | {:>6} | {:>6} | {:>13} | {:>24} | {:>14}",
                r.limit,
                human_duration(r.elapsed),
                human_duration(r.ideal),
                human_duration(r.mean_response),
                human_duration(r.mean_wait),
                r.peak
            ));
        }
        o.detail(
            "the total is ceil(50 / limit) × 500 ms: doubling the limit halves it, until the server (or a rate) says no",
        )
    };
    for r in &rows {
        ensure(r.peak <= r.limit, || {
            table(fail(format!(
                "with concurrency {}, the fake saw {} calls of `get` in flight at once: the Client must hold its \
                 limit however many `get`s run at once (the check calls `get` 50 times with `join_all`). Take \
                 a semaphore permit inside `get`.",
                r.limit, r.peak
            )))
        })?;
        let bound = r.ideal.mul_f64(1.05);
        ensure(r.elapsed <= bound, || {
            table(fail(format!(
                "with at most {} in flight, 50 calls of 500 ms took {} of virtual time; the ideal is {}: keep \
                 every slot busy",
                r.limit,
                human_duration(r.elapsed),
                human_duration(r.ideal)
            )))
        })?;
    }
    let five = rows.iter().find(|r| r.limit == 5);
    let mut outcome = pass(format!(
        "50 calls of 500 ms: {}",
        rows.iter()
            .map(|r| format!(
                "{} at most {} in flight",
                human_duration(r.elapsed),
                r.limit
            ))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if let Some(r) = five {
        outcome = outcome
            .figure(
                "total, at most 5 in flight",
                human_duration(r.elapsed),
                format!("≤ 1.05 × {}", human_duration(r.ideal)),
            )
            .figure(
                "mean response time (fake's side)",
                human_duration(r.mean_response),
                "500 ms injected",
            )
            .figure("peak in flight", r.peak, "≤ 5");
    }
    Ok(table(outcome))
}

/// The loopback phase's shape.
const HOSTS: usize = 3;
const LOOPBACK_LATENCY: Duration = Duration::from_millis(50);
/// How much shorter the server's window is than the client's: the server
/// meters *arrivals*, the client its *departures*, and between the two a
/// request waits for the client's thread, a pooled connection or a new one,
/// the server's accept. See [`loopback`].
const LOOPBACK_SLACK: Duration = Duration::from_millis(20);

/// Which host request `i` goes to: two thirds to host 0, so its cap binds.
fn loopback_host(i: usize) -> usize {
    [0, 0, 1, 0, 2, 0][i % 6]
}

fn start(script: Script) -> Result<FakeServer, Outcome> {
    FakeServer::start(script)
        .map_err(|e| fail(format!("the check could not start its HTTP server: {e}")))
}

/// The learner's transport, wrapped by the check: it records, on the
/// check's side, when each request was handed over and first polled (the
/// moment it leaves), then lets the learner's transport send it.
struct Departures<T> {
    inner: T,
    epoch: tokio::time::Instant,
    log: Arc<Mutex<Vec<Duration>>>,
}

impl<T: Transport + Sync> Transport for Departures<T> {
    fn get(&self, url: &str) -> impl Future<Output = Result<Response, TransportError>> + Send {
        let sending = self.inner.get(url);
        let (epoch, log) = (self.epoch, Arc::clone(&self.log));
        async move {
            log.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(epoch.elapsed());
            sending.await
        }
    }
}

/// What one loopback run gave: results, real time, and the departures the
/// check recorded, sorted.
struct LoopbackRun {
    results: Vec<Result<String, ClientError>>,
    elapsed: Duration,
    departures: Vec<Duration>,
}

/// `get_all(urls)` over real HTTP with a new `Client` on the learner's
/// `HttpTransport`, wrapped in [`Departures`].
fn loopback_get_all(what: &str, limits: Limits, urls: Vec<String>) -> Result<LoopbackRun, Outcome> {
    let run = run_loopback(LOOPBACK_LIMIT, what, move || async move {
        let log = Arc::new(Mutex::new(Vec::new()));
        let transport = Departures {
            inner: HttpTransport::new(),
            epoch: tokio::time::Instant::now(),
            log: Arc::clone(&log),
        };
        let client = Client::new(transport, limits);
        let watch = Stopwatch::start();
        let results = client.get_all(&urls).await;
        let elapsed = watch.elapsed();
        let mut departures = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
        departures.sort_unstable();
        LoopbackRun {
            results,
            elapsed,
            departures,
        }
    })?;
    Ok(run.value)
}

/// The loopback shape, run once against a fresh server.
struct Shape {
    run: LoopbackRun,
    stats: Stats,
    events: Vec<Event>,
    urls: Vec<String>,
}

const LOOPBACK_N: usize = 24;

fn loopback_limits() -> Limits {
    limits(4, 2, 6, ms(200), 3)
}

fn loopback_shape() -> Result<Shape, Outcome> {
    let limits = loopback_limits();
    let server = start(
        Script::new()
            .latency(LOOPBACK_LATENCY)
            .hosts(HOSTS)
            .rate_limit(limits.rate + 1, limits.window - LOOPBACK_SLACK),
    )?;
    let urls: Vec<String> = (0..LOOPBACK_N)
        .map(|i| server.url_on(loopback_host(i), &format!("/r/{i}")))
        .collect();
    let run = loopback_get_all("get_all of 24 URLs over HTTP", limits, urls.clone())?;
    Ok(Shape {
        run,
        stats: server.stats(),
        events: server.events(),
        urls,
    })
}

/// Real HTTP. What is judged, and on whose side:
///
/// - the caps: the server's own peaks in flight, overall and per host (a
///   request is in flight at the server for less time than at the client,
///   so a client that keeps its caps always passes);
/// - the rate: the *departures* the check records at the transport (see
///   [`Departures`]), at most `rate + 1` within any `window`: exact, but for
///   one request whose thread was preempted between the client's clock
///   reading and the send;
/// - no 429 at all, from a server that allows `rate + 1` arrivals per
///   `window - 20 ms`. Arrivals are departures shifted by a delay that a busy
///   machine stretches now and then, for several requests at once: measured
///   here (a window of 250 ms, both cores busy, builds running), 1 run in 80
///   of the reference saw three requests arrive 30-60 ms late while the ones
///   that replaced them a window later did not, and the server answered
///   429. Neither a request nor 20 ms of slack covers that. So when the
///   server answered 429 but the departures kept the rate, the run is
///   repeated once (as ex14 repeats a slow run): a busy machine is forgiven,
///   a client that breaks its rate never is (its departures fail first).
///   Since: 220 runs with 2 to 4 `yes` loops on the 2 cores, no failure, one
///   second run;
/// - the results, then the time, ≤ 1.3 × the ideal + 150 ms.
fn loopback() -> Verdict {
    let limits = loopback_limits();
    let mut shape = loopback_shape()?;
    let mut runs = 1;
    let departed = |shape: &Shape| max_in_window(&shape.run.departures, limits.window);
    if shape.stats.rate_limited > 0 && departed(&shape) <= limits.rate + 1 {
        shape = loopback_shape()?;
        runs = 2;
    }
    let Shape {
        run,
        stats,
        events,
        urls,
    } = &shape;
    let (results, elapsed) = (&run.results, run.elapsed);
    let jobs: Vec<(usize, Duration)> = (0..LOOPBACK_N)
        .map(|i| (loopback_host(i), LOOPBACK_LATENCY))
        .collect();
    let ideal = ideal_time(&jobs, ideal_limits(limits));
    let bound = ideal.mul_f64(1.3) + ms(150);
    let host_peak = stats.peak_per_host.values().copied().max().unwrap_or(0);
    let most = departed(&shape);
    let mean_response = mean(events.iter().map(|e| e.end.saturating_sub(e.start)));
    let spans: Vec<(Duration, Duration)> = events.iter().map(|e| (e.start, e.end)).collect();
    let report = |o: Outcome| {
        o.figure(
            "elapsed",
            human_duration(elapsed),
            format!(
                "≤ 1.3 × ideal {} + 150 ms = {}",
                human_duration(ideal),
                human_duration(bound)
            ),
        )
        .figure("429 answers (server-side)", stats.rate_limited, "== 0")
        .figure(
            "most requests sent within one window (check-side, at the transport)",
            most,
            format!("≤ {} + 1", limits.rate),
        )
        .figure(
            "peak in flight (server-side)",
            stats.peak_in_flight,
            format!("≤ {}", limits.concurrency),
        )
        .figure(
            "peak in flight per host (server-side)",
            host_peak,
            format!("≤ {}", limits.per_host),
        )
        .figure(
            "mean response time (server-side)",
            human_duration(mean_response),
            format!("{} injected", human_duration(LOOPBACK_LATENCY)),
        )
        .detail(format!(
            "limits: concurrency {}, {} per host, {} starts per {}; the server allows {} arrivals per {}{}",
            limits.concurrency,
            limits.per_host,
            limits.rate,
            human_duration(limits.window),
            limits.rate + 1,
            human_duration(limits.window - LOOPBACK_SLACK),
            if runs > 1 {
                " (second run: in the first, the server answered 429 to requests that had left within \
                 your rate, delayed on the way by a busy machine)"
            } else {
                ""
            }
        ))
        .detail(timeline("in flight (server-side)", &spans))
    };
    ensure(host_peak <= limits.per_host, || {
        report(fail(format!(
            "the server saw {host_peak} requests in flight at once on one host, but per_host is {}: one \
             semaphore per host, port included",
            limits.per_host
        )))
    })?;
    ensure(stats.peak_in_flight <= limits.concurrency, || {
        report(fail(format!(
            "the server saw {} requests in flight at once, but concurrency is {}",
            stats.peak_in_flight, limits.concurrency
        )))
    })?;
    ensure(most <= limits.rate + 1, || {
        report(fail(format!(
            "your client sent {most} requests within one window of {} (counted by the check as each request \
             left through your transport), but its rate is {} per window, and the server answered {} of them \
             429. Does your client keep a rate at all (a semaphore bounds the requests in flight, not the \
             starts per window)? If it does: is the start time you record the moment the request leaves (take \
             the rate's slot last, right before sending), and does a retry take a slot too?",
            human_duration(limits.window),
            limits.rate,
            stats.rate_limited
        )))
    })?;
    ensure(stats.rate_limited == 0, || {
        report(fail(format!(
            "the server answered {} request(s) 429, in two runs: it allows {} arrivals per {}, one more than \
             your client's rate in a slightly shorter window. Your client's departures kept the rate; are your \
             requests held up between leaving your limiter and reaching the socket (something slow after \
             the rate's slot is taken)?",
            stats.rate_limited,
            limits.rate + 1,
            human_duration(limits.window - LOOPBACK_SLACK)
        )))
    })?;
    if let Some((i, result)) = results.iter().enumerate().find(|(_, r)| r.is_err()) {
        return Err(report(fail(format!(
            "urls[{i}] gave {} over HTTP: every URL answers 200 when asked within the limits. (The checks \
             on the fake passed? Then look at your HttpTransport: any status is an answer, and only a \
             request that got none is a TransportError.)",
            show(result)
        ))));
    }
    all_bodies(urls, results)?;
    ensure(elapsed <= bound, || {
        report(fail(format!(
            "24 requests over HTTP took {}; under your limits they need {}: keep every slot busy and wait \
             no longer than the rate requires",
            human_duration(elapsed),
            human_duration(ideal)
        )))
    })?;
    Ok(report(pass(format!(
        "24 requests on {HOSTS} hosts in {} ({:.2} × the ideal {}): no 429, at most {} in flight, {} per host",
        human_duration(elapsed),
        elapsed.as_secs_f64() / ideal.as_secs_f64(),
        human_duration(ideal),
        stats.peak_in_flight,
        host_peak
    ))))
}

/// For each 429 among `events` (in start order), how long the server's
/// meter (`max` per `window`) told the client to wait: recomputed from the
/// accepted starts before it, exactly as the server computed it.
fn told_waits(events: &[Event], max: usize, window: Duration) -> Vec<Option<Duration>> {
    let mut accepted: Vec<Duration> = Vec::new();
    events
        .iter()
        .map(|e| {
            if e.status == 429 {
                let inside: Vec<Duration> = accepted
                    .iter()
                    .copied()
                    .filter(|&s| e.start.saturating_sub(s) < window)
                    .collect();
                let oldest = inside.len().checked_sub(max).and_then(|i| inside.get(i));
                Some(oldest.map_or(window, |&s| (s + window).saturating_sub(e.start)))
            } else {
                accepted.push(e.start);
                None
            }
        })
        .collect()
}

fn loopback_retry_after() -> Verdict {
    let n = 6;
    let (server_max, server_window) = (3, ms(200));
    let server = start(
        Script::new()
            .latency(ms(20))
            .rate_limit(server_max, server_window),
    )?;
    // The client believes it may go much faster than the server allows.
    let limits = limits(6, 6, 100, ms(1000), 8);
    let urls: Vec<String> = (0..n).map(|i| server.url(&format!("/retry/{i}"))).collect();
    let run = loopback_get_all(
        "get_all of 6 URLs against a strict server",
        limits,
        urls.clone(),
    )?;
    let (results, elapsed) = (run.results, run.elapsed);
    let stats = server.stats();
    let events = server.events();
    let told = told_waits(&events, server_max, server_window);
    // Every retry must start no sooner after its 429 than the server said.
    for (k, (event, wait)) in events.iter().zip(&told).enumerate() {
        let Some(wait) = *wait else { continue };
        let Some(next) = events[k + 1..].iter().find(|e| e.path == event.path) else {
            continue;
        };
        let gap = next.start.saturating_sub(event.start);
        ensure(gap + ms(1) >= wait, || {
            fail(format!(
                "{} was retried {} after a 429 whose headers said to wait {} (`x-retry-after-ms: {}`): wait at \
                 least that long. (The check on the fake passed? Then does your HttpTransport copy the answer's \
                 headers into the Response?)",
                event.path,
                human_duration(gap),
                human_duration(wait),
                wait.as_nanos().div_ceil(1_000_000)
            ))
            .figure("wait before the retry (server-side)", human_duration(gap), format!("≥ {}", human_duration(wait)))
        })?;
    }
    for (i, result) in results.iter().enumerate() {
        ensure(result.is_ok(), || {
            fail(format!(
                "urls[{i}] gave {} against a server that allows {server_max} requests per {}: with {} retries \
                 each, every URL should get through if each retry waits what its 429 said",
                show(result),
                human_duration(server_window),
                limits.max_retries
            ))
        })?;
    }
    all_bodies(&urls, &results)?;
    Ok(pass(format!(
        "{} 429s, each retried no sooner than the server said; all {n} URLs answered in {}",
        stats.rate_limited,
        human_duration(elapsed)
    ))
    .figure(
        "429 answers (server-side)",
        stats.rate_limited,
        "any, each honoured",
    )
    .figure(
        "requests (server-side)",
        stats.requests,
        format!("≤ {n} × (1 + {})", limits.max_retries),
    ))
}
