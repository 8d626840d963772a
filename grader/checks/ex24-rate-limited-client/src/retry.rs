//! The checks of the 429 path: each retry waits what its answer said, and
//! a retry is a request like any other, inside every limit.

use super::*;
use crate::loopback::loopback_get_all;
use kata_fakes::FakeServer;
use kata_harness::picture::most_at_once;
use kata_harness::service::{most_within, per_window, spans, Route};

pub fn retry_after() -> Verdict {
    let max_retries = 3;
    // /busy says "wait 700 ms" twice, then answers; /never always says
    // "wait 300 ms". `Retry-After` carries the same in whole seconds (1).
    let told = |path: &str| if path == "/busy" { ms(700) } else { ms(300) };
    let script = Script::new()
        .route("/busy", Route::ok().latency(ms(50)).busy(2, told("/busy")))
        .route("/never", Route::ok().busy(usize::MAX, told("/never")));
    let urls = vec!["http://api.test/busy".to_string(), "http://api.test/never".to_string()];
    let run = paused(
        "get_all of 2 URLs answered 429",
        script,
        limits(4, 4, NO_RATE, ms(1000), max_retries),
        urls,
        None,
    )?;
    let attempts =
        |path: &str| -> Vec<&Call> { run.calls.iter().filter(|c| c.path == path).collect() };
    // `Retry-After: 1`, and a little more for a client that adds jitter.
    let longest = ms(1250);
    for path in ["/busy", "/never"] {
        for pair in attempts(path).windows(2) {
            let gap = pair[1].start.saturating_sub(pair[0].end);
            let figure = |o: Outcome, required: String| {
                o.figure(format!("wait before retrying {path}"), human_duration(gap), required)
            };
            ensure(gap >= told(path), || {
                let o = fail(format!(
                    "{path} was tried again {} after a 429 that said to wait {} (`x-retry-after-ms: {}`, \
                     `Retry-After: 1`): a retry sooner than the server said only earns another 429. Read the \
                     header and `tokio::time::sleep` that long before trying again.",
                    human_duration(gap),
                    human_duration(told(path)),
                    told(path).as_millis()
                ));
                figure(o, format!("≥ {}", human_duration(told(path))))
            })?;
            ensure(gap <= longest, || {
                let o = fail(format!(
                    "{path} was tried again only {} after a 429 that said to wait {} (`Retry-After: 1`): wait \
                     what the server says, not longer",
                    human_duration(gap),
                    human_duration(told(path))
                ));
                figure(o, format!("≤ {}", human_duration(longest)))
            })?;
        }
    }
    let (busy, never) = (run.results.first(), run.results.get(1));
    ensure(busy != Some(&Err(ClientError::Status(429))), || {
        fail(
            "/busy answered 429 and its result is Err(Status(429)): a 429 is not a failure but \"not now\". \
             Wait what Retry-After says and try again, up to max_retries times.",
        )
    })?;
    let busy_tries = attempts("/busy").len();
    ensure(busy == Some(&Ok(body_for("/busy"))) && busy_tries == 3, || {
        fail(format!(
            "/busy answers 429 twice, then 200: it should take 3 requests and give Ok({:?}), but it took \
             {busy_tries} and gave {}",
            body_for("/busy"),
            busy.map_or("nothing".into(), say::result)
        ))
    })?;
    let never_tries = attempts("/never").len();
    let want = 1 + max_retries as usize;
    ensure(never_tries == want, || {
        fail(format!(
            "/never always answers 429 and max_retries is {max_retries}, so it should be requested {want} times \
             (once, then {max_retries} retries), but it was requested {never_tries} times"
        ))
        .figure("requests for /never (fake's side)", never_tries, format!("== {want}"))
    })?;
    let gave_up = Err(ClientError::RateLimited { attempts: 1 + max_retries });
    ensure(never == Some(&gave_up), || {
        fail(format!(
            "/never gave {} after {never_tries} requests: give Err(RateLimited {{ attempts: {want} }})",
            never.map_or("nothing".into(), say::result)
        ))
    })?;
    Ok(pass(format!(
        "each retry waited what its 429 said (≥ 700 ms, ≥ 300 ms); /busy gave its body on the 3rd request, /never \
         gave up after {want}"
    )))
}

/// What to tell a client one of whose attempts broke a limit: `broke`
/// says which and by how much.
fn retry_broke(broke: String) -> String {
    format!(
        "{broke}, counting every attempt. A retry is a request: it waits for a slot of its host, a permit of the \
         cap and a slot of the rate like the first attempt did. Does your retry call the transport straight \
         after its sleep? Go round the whole of `get` again: wait for the slots, then send."
    )
}

pub fn retries_within_limits() -> Verdict {
    // Two in flight and 6 attempts per second, requests of 500 ms: both
    // limits bind all along (for the first attempts too), so a retry that
    // skips either shows. Every even URL answers 429 "wait 300 ms" twice,
    // so that retries come in runs that meet the rate too.
    let (cap, rate) = (2, 6);
    let (urls, limits) = (urls("api.test", "retry", 16), limits(cap, cap, rate, ms(1000), 3));
    let busy = (0..16)
        .step_by(2)
        .map(|i| (format!("/retry/{i}"), Route::ok().latency(ms(500)).busy(2, ms(300))));
    let script = Script::new().latency(ms(500)).routes(busy);
    let run =
        paused("get_all of 16 URLs, 8 answered 429 twice", script, limits, urls.clone(), None)?;
    all_bodies(&urls, &run.results)?;
    let details = vec![format!(
        "attempts started in each second: {}",
        per_window(&starts(&run.calls), ms(1000))
    )];
    // Blame the retries only if the first attempts alone keep the limits.
    let mut seen = std::collections::HashSet::new();
    let firsts: Vec<Call> =
        run.calls.iter().filter(|c| seen.insert(c.path.clone())).cloned().collect();
    let firsts_kept =
        most_at_once(&spans(&firsts)) <= cap && most_within(&firsts, ms(1000)) <= rate;
    let say = |broken: &Broken, kept: &Kept| {
        if !firsts_kept {
            return None;
        }
        Some(retry_broke(match broken {
            Broken::Rate => format!(
                "{} requests started within one window of 1 s, but the rate is {rate} per 1 s",
                kept.most.unwrap_or(0)
            ),
            _ => format!(
                "the fake saw {} requests in flight at once, but concurrency is {cap}",
                kept.peak
            ),
        }))
    };
    let passed = format!("{} retries, all inside the limits", run.stats.rate_limited);
    judge(&run, limits, false, details, say, passed)
}

pub fn loopback_retry_after() -> Verdict {
    let n = 6;
    let (server_max, server_window) = (3, ms(200));
    let server =
        FakeServer::for_check(Script::new().latency(ms(20)).rate_limit(server_max, server_window))?;
    // The client believes it may go much faster than the server allows;
    // its cap binds, so that a retry that skips it shows server-side too.
    let limits = limits(2, 2, 100, ms(1000), 8);
    let urls: Vec<String> = (0..n).map(|i| server.url(&format!("/retry/{i}"))).collect();
    let run = loopback_get_all("get_all of 6 URLs against a strict server", limits, urls.clone())?;
    let (stats, events) = (server.stats(), server.events());
    // Every retry must start no sooner after its 429 than the server said.
    for (k, event) in events.iter().enumerate() {
        let Some(wait) = event.retry_after else {
            continue;
        };
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
    ensure(stats.peak_in_flight <= limits.concurrency, || {
        fail(retry_broke(format!(
            "the server saw {} requests in flight at once, but concurrency is {}",
            stats.peak_in_flight, limits.concurrency
        )))
    })?;
    for (i, result) in run.results.iter().enumerate() {
        ensure(result.is_ok(), || {
            fail(format!(
                "urls[{i}] gave {} against a server that allows {server_max} requests per {}: with {} retries \
                 each, every URL should get through if each retry waits what its 429 said",
                say::result(result),
                human_duration(server_window),
                limits.max_retries
            ))
        })?;
    }
    all_bodies(&urls, &run.results)?;
    Ok(pass(format!(
        "{} 429s, each retried no sooner than the server said; all {n} URLs answered in {}",
        stats.rate_limited,
        human_duration(run.elapsed)
    ))
    .figure("429 answers (server-side)", stats.rate_limited, "any, each honoured")
    .figure(
        "peak in flight (server-side)",
        stats.peak_in_flight,
        format!("≤ {}", limits.concurrency),
    )
    .figure(
        "requests (server-side)",
        stats.requests,
        format!("≤ {n} × (1 + {})", limits.max_retries),
    ))
}
