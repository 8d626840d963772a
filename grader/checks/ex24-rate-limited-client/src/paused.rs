//! The checks on the paused clock: order, each limit alone, the limits
//! shared between calls, and the notes' experiment.

use super::*;
use kata_harness::measure::mean;
use kata_harness::picture::{in_flight, most_at_once};
use kata_harness::service::{most_within, per_window, spans, Design, Route};

pub fn results_in_order() -> Verdict {
    // Later URLs answer sooner (260 ms down to 40 ms): results kept in the
    // order they finish come back shuffled.
    let status_of = |i: usize| match i {
        2 => 404,
        7 => 500,
        _ => 200,
    };
    let paths: Vec<String> = (0..12).map(|i| format!("/page/{i}")).collect();
    let latency = |i: usize| ms((12 - i as u64) * 20 + 20);
    let routes = (0..12).map(|i| (&paths[i], Route::status(status_of(i)).latency(latency(i))));
    let urls: Vec<String> = paths.iter().map(|p| format!("http://api.test{p}")).collect();
    let limits = limits(4, 4, NO_RATE, ms(1000), 3);
    let run =
        paused("get_all of 12 URLs", Script::new().routes(routes), limits, urls.clone(), None)?;
    ensure(run.results.len() == urls.len(), || {
        fail(format!(
            "expected {} results (one per URL), got {}: a failed URL must give its own Err",
            urls.len(),
            run.results.len()
        ))
    })?;
    for (i, path) in paths.iter().enumerate() {
        let times = run.stats.per_path.get(path).copied().unwrap_or(0);
        let why = match (times, status_of(i)) {
            (1, _) => continue,
            (0, _) => "never requested: a failed URL must never stop the others".to_string(),
            (_, 200) => format!("requested {times} times: request each URL once"),
            (_, code) => format!(
                "requested {times} times: it answers {code}, and only a 429 is retried (a 404 or a 500 is an \
                 answer, not a hiccup: give it back as Err(Status(code)))"
            ),
        };
        let figure = format!("requests for {path} (fake's side)");
        return Err(fail(format!("urls[{i}] ({path}) was {why}")).figure(figure, times, "== 1"));
    }
    for (i, (result, path)) in run.results.iter().zip(&paths).enumerate() {
        let want = match status_of(i) {
            200 => Ok(body_for(path)),
            code => Err(ClientError::Status(code)),
        };
        let hint = match (&want, result) {
            _ if *result == want => continue,
            (Ok(_), Ok(_)) => {
                "that is another URL's body: results must come back in the order of the URLs"
            }
            (Err(_), Ok(_)) => "a non-2xx answer is not a body: give Err(Status(code))",
            _ => "each URL gets its own result, whatever happened to the others",
        };
        let (want, got) = (say::result(&want), say::result(result));
        return Err(fail(format!(
            "urls[{i}] ({path}) should give {want}, but its result is {got}: {hint}"
        )));
    }
    let empty = paused("get_all of no URLs", Script::new(), limits, Vec::new(), None)?;
    ensure(empty.results.is_empty() && empty.stats.requests == 0, || {
        fail(format!(
            "get_all of no URLs gave {} results after {} requests: expected none of either",
            empty.results.len(),
            empty.stats.requests
        ))
    })?;
    Ok(pass(
        "10 bodies and Err(Status(404)), Err(Status(500)) in their places, each URL requested once; no URLs gave no results",
    ))
}

pub fn concurrency_cap() -> Verdict {
    // One slow request first among fast ones: a client that keeps every
    // slot busy is done when the slow one is (1 s); batches of 4, fixed
    // shares, or an ordered window of 4 wait behind it (1.7 s).
    let (cap, urls) = (4, urls("api.test", "item", 30));
    let script = Script::new().latency(ms(100)).route("/item/0", Route::ok().latency(ms(1000)));
    let latencies: Vec<Duration> =
        urls.iter().map(|u| script.route_for(split_url(u).1).latency).collect();
    let run = paused(
        "get_all of 30 URLs",
        script,
        limits(cap, cap, NO_RATE, ms(1000), 3),
        urls.clone(),
        None,
    )?;
    all_bodies(&urls, &run.results)?;
    let (took, need) = (human_duration(run.elapsed), human_duration(run.ideal));
    let say = |broken: &Broken, kept: &Kept| {
        match broken {
        Broken::InFlight => Some(format!(
            "the fake saw {} requests in flight at once, but concurrency is {cap}. `join_all` alone sends \
             every request at once: hold a permit of a `tokio::sync::Semaphore` with `concurrency` permits \
             from just before each request is sent until its answer is back.",
            kept.peak
        )),
        Broken::Time => Some(format!(
            "30 requests, one of 1 s and the others of 100 ms, {cap} at a time, took {took} of virtual time, but \
             {cap} at a time need only {need}: keep all {cap} slots busy (a waiting request must take a slot as \
             soon as one frees, not wait for a whole batch to end).{}",
            Design::name_in(&Design::ALL, run.elapsed, &latencies, cap, 0.02)
        )),
        _ => None,
    }
    };
    let chart = in_flight("in flight (fake's side)", &spans(&run.calls), Some(cap));
    let passed =
        format!("at most {cap} in flight, {took} for 30 requests, one of 1 s (ideal {need})");
    judge(&run, limits(cap, cap, NO_RATE, ms(1000), 3), true, chart, say, passed)
}

pub fn rate_limit() -> Verdict {
    rate_phase("get_all of 30 URLs at 5 per second", None)?;
    // The same 30 arriving in bursts, the second just before the first
    // window ends: a limiter that counts per fixed window lets 5 start on
    // each side of its reset.
    let bursts = Arrivals::bursts(&[(ms(0), 1), (ms(900), 9), (ms(2500), 20)]);
    rate_phase("30 gets arriving in bursts", Some(bursts))?;
    // The runtime held up from 800 ms to 1.2 s, as a busy machine does: the
    // timers due at 1 s fire at 1.2 s. A start booked ahead is then earlier
    // than the request really left, and the next ones crowd its window.
    let held_up = Arrivals::at_once(30).held_up(ms(800), ms(400));
    rate_phase("30 gets at once, the runtime held up from 800 ms to 1.2 s", Some(held_up))
}

/// 30 requests of 50 ms at 5 per 1 s, all at once (`get_all`) or as
/// `arrivals` says (once all at once has passed).
fn rate_phase(what: &str, arrivals: Option<Arrivals>) -> Verdict {
    let (rate, urls, limits) = (5, urls("api.test", "item", 30), limits(10, 10, 5, ms(1000), 3));
    let run = paused(what, Script::new().latency(ms(50)), limits, urls.clone(), arrivals.clone())?;
    all_bodies(&urls, &run.results)?;
    let mut details =
        vec![format!("starts in each second: {}", per_window(&starts(&run.calls), ms(1000)))];
    details.extend(arrivals.iter().map(Arrivals::describe));
    let (took, need) = (human_duration(run.elapsed), human_duration(run.ideal));
    let say = |broken: &Broken, kept: &Kept| {
        let (peak, most) = (kept.peak, kept.most.unwrap_or(0));
        Some(match (broken, &arrivals) {
            (Broken::InFlight, _) => format!(
                "nothing held the requests back: the fake saw {peak} in flight at once (concurrency is 10) and \
                 {most} starts within one window of 1 s (the rate is {rate} per 1 s). `join_all` alone sends every \
                 request at once; the limits must make each `get` wait for its turn."
            ),
            (Broken::Rate, None) if most == 30 => format!(
                "{most} requests started within one window of 1 s, but the rate is {rate} per 1 s. A semaphore \
                 caps how many requests are in flight, not how many start per window: keep the start times of \
                 the recent requests, and let one more start only when fewer than {rate} started within the \
                 last window (else sleep until the oldest of them is one window old)."
            ),
            (Broken::Rate, None) => format!(
                "{most} requests started within one window of 1 s, but the rate is {rate} per 1 s: your client \
                 holds requests back, but lets more than {rate} start within some 1 s. A token bucket of {rate} \
                 refilled one every 200 ms does: {rate} at once, a sixth 200 ms later. The rate holds in any \
                 interval of 1 s: keep the start times of the last {rate} requests, and let one more start only \
                 when the oldest of them is one window old."
            ),
            (Broken::Rate, Some(a)) if a.hold_up().is_some() => format!(
                "with the runtime held up from 800 ms to 1.2 s (its timers fired late, as on a busy machine or \
                 beside a blocking task), {most} requests started within one window of 1 s (the rate is {rate} per \
                 1 s). Is the start time you record the moment the request leaves? A start booked ahead (a time \
                 computed before the wait, slept until, then trusted) is earlier than the real one when the sleep \
                 wakes late: read `Instant::now()` after the wait, right before sending, and record that."
            ),
            (Broken::Rate, Some(_)) => format!(
                "with all 30 sent at once your client kept the rate, but with requests arriving in bursts \
                 {most} started within one window of 1 s (the rate is {rate} per 1 s). Counting per fixed window \
                 (a counter reset every second) lets {rate} start just before the reset and {rate} more just \
                 after it, but the rate holds in *any* interval of 1 s: keep the start times of the last {rate} \
                 requests and let one more start only when the oldest is one window old."
            ),
            _ => format!(
                "{what} took {took} of virtual time; the rate allows {need}: a request may start as soon as the \
                 oldest of the last {rate} starts is one window old (a sliding window). Waiting for a whole new \
                 window, spacing the starts evenly (one every 200 ms), or longer, wastes time."
            ),
        })
    };
    let passed = format!("never more than {rate} starts within 1 s, all at once, in bursts and with the runtime held up; {took} for the last (it needs {need} unheld)");
    // Held up, a right client loses the 200 ms it was held: no time bound.
    let timed = arrivals.as_ref().is_none_or(|a| a.hold_up().is_none());
    judge(&run, limits, timed, details, say, passed)
}

pub fn per_host_caps() -> Verdict {
    let hosts = ["alpha.test:7001", "alpha.test:7002", "beta.test"];
    let urls: Vec<String> =
        (0..24).map(|i| format!("http://{}/item/{i}", hosts[[0, 0, 1, 2][i % 4]])).collect();
    // 3 hosts × 2 = 6: the overall cap never binds, so each host is on its
    // own and the ideal is the busiest host's: 12 requests, 2 at a time.
    let (cap, limits) = (2, limits(6, 2, NO_RATE, ms(1000), 3));
    let run = paused(
        "get_all of 24 URLs on 3 hosts",
        Script::new().latency(ms(100)),
        limits,
        urls.clone(),
        None,
    )?;
    all_bodies(&urls, &run.results)?;
    let peaks = &run.stats.peak_per_host;
    let listed: Vec<String> =
        hosts.iter().map(|h| format!("{h}: {}", peaks.get(*h).copied().unwrap_or(0))).collect();
    let listed = listed.join(", ");
    let mut details = vec![format!("peak in flight per host: {listed}")];
    details.extend(in_flight("in flight, all hosts (fake's side)", &spans(&run.calls), None));
    let (took, need) = (human_duration(run.elapsed), human_duration(run.ideal));
    let say = |broken: &Broken, _: &Kept| {
        match broken {
        Broken::Host { host, peak } => Some(format!(
            "{host} had {peak} requests in flight at once, but per_host is {cap}: keep one semaphore of \
             `per_host` permits per host (`host_of(url)`, port included), made the first time the host is \
             seen, and take its permit before the overall one"
        )),
        Broken::Time => Some(format!(
            "24 requests of 100 ms on 3 hosts, 2 at a time per host, took {took} of virtual time, but the busiest \
             host needs only {need}: do alpha.test:7001 and alpha.test:7002 share one cap? They are two hosts \
             (the port counts). Or does a request waiting for a busy host hold a slot of the overall cap?"
        )),
        _ => None,
    }
    };
    let passed = format!(
        "at most {cap} in flight per host ({listed}); {took} for 24 requests (ideal {need})"
    );
    judge(&run, limits, true, details, say, passed)
}

pub fn limits_shared() -> Verdict {
    let (cap, rate) = (3, 4);
    let (limits, script) = (limits(cap, cap, rate, ms(1000), 3), Script::new().latency(ms(100)));
    let (a, b) = (urls("api.test", "a", 12), urls("api.test", "b", 12));
    let ideal =
        ideal_time(&jobs_of(&script, &[a.clone(), b.clone()].concat(), None), ideal_limits(limits));
    let (run_a, run_b) = (a.clone(), b.clone());
    let run = run_paused(PAUSED_LIMIT, "two get_all at once", move || async move {
        let fake = FakeService::new(script);
        let client = Client::new(OnFake(fake.clone()), limits);
        let (ra, rb) = tokio::join!(client.get_all(&run_a), client.get_all(&run_b));
        (ra, rb, fake.stats(), fake.calls())
    })?;
    let (ra, rb, stats, calls) = run.value;
    all_bodies(&a, &ra)?;
    all_bodies(&b, &rb)?;
    let (took, need) = (human_duration(run.elapsed), human_duration(ideal));
    // The most one call alone had in flight and started within 1 s: a
    // client that breaks a limit with one call is not told about sharing.
    let alone = |what: &str| {
        let own: Vec<Call> = calls.iter().filter(|c| c.path.starts_with(what)).cloned().collect();
        (most_at_once(&spans(&own)), most_within(&own, ms(1000)))
    };
    let (alone_a, alone_b) = (alone("/a/"), alone("/b/"));
    let alone = (alone_a.0.max(alone_b.0), alone_a.1.max(alone_b.1));
    let say = |broken: &Broken, kept: &Kept| {
        let (peak, most) = (kept.peak, kept.most.unwrap_or(0));
        Some(match broken {
            Broken::InFlight | Broken::Host { .. } if alone.0 > cap => format!(
                "one get_all alone already had {} requests in flight at once; the concurrency is {cap} (see \
                 concurrency-cap)",
                alone.0
            ),
            Broken::Rate if alone.1 > rate => format!(
                "one get_all alone already started {} requests within one window of 1 s; the rate is {rate} per \
                 1 s (see rate-limit)",
                alone.1
            ),
            Broken::InFlight | Broken::Host { .. } => format!(
                "two get_all running at once on one Client had {peak} requests in flight; its concurrency is \
                 {cap}. The limits belong to the Client and hold over every call made through it: keep the \
                 semaphores and the start times in the Client, and take them in `get` (a limit built inside \
                 `get_all` bounds only that one call)."
            ),
            Broken::Rate => format!(
                "two get_all running at once on one Client started {most} requests within one window of 1 s; its \
                 rate is {rate} per 1 s over both calls. Keep the start times of recent requests in the Client, \
                 shared by every `get`."
            ),
            Broken::Time => format!("24 requests through one Client took {took} of virtual time; its limits allow {need}"),
        })
    };
    let (results, waits, elapsed) = (Vec::new(), Vec::new(), run.elapsed);
    let run = Paused { results, waits, stats, calls, elapsed, ideal };
    let passed = format!("both calls shared the limits: {took} for 24 requests (ideal {need})");
    judge(&run, limits, true, Vec::new(), say, passed)
}

pub fn notes_experiment() -> Verdict {
    let mut rows = Vec::new();
    for limit in [1, 5, 10] {
        // The check calls `get` itself, 50 at once, the way the notes'
        // `asyncio.gather` does: the Client's limits must hold.
        let (urls, limits) =
            (urls("api.test", "call", 50), limits(limit, limit, NO_RATE, ms(1000), 3));
        let at_once = Some(Arrivals::at_once(50));
        let run = paused(
            "50 calls of get at once",
            Script::new().latency(ms(500)),
            limits,
            urls.clone(),
            at_once,
        )?;
        all_bodies(&urls, &run.results)?;
        rows.push((limits, run));
    }
    let mut table = vec![
        "at most | total  | ideal  | mean response | mean wait for the result | peak in flight"
            .to_string(),
    ];
    for (limits, run) in &rows {
        table.push(format!(
            "{:>7} | {:>6} | {:>6} | {:>13} | {:>24} | {:>14}",
            limits.concurrency,
            human_duration(run.elapsed),
            human_duration(run.ideal),
            human_duration(mean(run.calls.iter().map(|c| c.end - c.start))),
            human_duration(mean(run.waits.iter().copied())),
            run.stats.peak_in_flight
        ));
    }
    table.push("the total is ceil(50 / limit) × 500 ms: doubling the limit halves it, until the server (or a rate) says no".into());
    let totals: Vec<String> = rows
        .iter()
        .map(|(l, r)| format!("{} at most {} in flight", human_duration(r.elapsed), l.concurrency))
        .collect();
    let passed = format!("50 calls of 500 ms: {}", totals.join(", "));
    let verdicts: Vec<Verdict> = rows
        .iter()
        .map(|(limits, run)| {
            let limit = limits.concurrency;
            let say = |broken: &Broken, kept: &Kept| match broken {
                Broken::InFlight | Broken::Host { .. } => Some(format!(
                    "with concurrency {limit}, the fake saw {} calls of `get` in flight at once: the Client must \
                     hold its limit however many `get`s run at once (the check calls `get` 50 times with \
                     `join_all`). Take a semaphore permit inside `get`.",
                    kept.peak
                )),
                _ => Some(format!(
                    "with at most {limit} in flight, 50 calls of 500 ms took {} of virtual time; the ideal is {}: \
                     keep every slot busy",
                    human_duration(run.elapsed),
                    human_duration(run.ideal)
                )),
            };
            judge(run, *limits, true, table.clone(), say, passed.clone())
        })
        .collect();
    // The first row that failed, or else the notes' row (5 in flight).
    let at = verdicts.iter().position(Result::is_err).unwrap_or(1);
    verdicts.into_iter().nth(at).unwrap_or_else(|| Err(fail("the check ran no row")))
}
