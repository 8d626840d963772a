//! The hidden checks of ex24 · Rate-limited client.
//!
//! Two phases, on two clocks (see the chapter's "What the grader measures"):
//!
//! - On tokio's paused clock, the learner's `Client` runs over a transport
//!   backed by the harness's fake service (`kata_harness::service`), which
//!   counts from its own side every call, the peak in flight overall and per
//!   host, and every start. Times are virtual and exact, so the limits are
//!   judged exactly and time is held to 1.05 × the ideal. The scenarios are
//!   chosen so that designs right only in easy cases are off: a slow request
//!   among fast ones (batches, fixed shares, an ordered window), bursts of
//!   arrivals across a window's edge (fixed windows), retries while the
//!   limits bind (a retry that skips them).
//! - Over real HTTP, the learner's `HttpTransport` talks to
//!   `kata_fakes::FakeServer` (the same service over sockets), wrapped so
//!   that the check notes when each request leaves. Real time is noisy, so
//!   the bound is looser: 1.3 × the ideal + 150 ms.

mod loopback;
mod paused;
mod retry;

use kata_harness::protocol::human_duration;
use kata_harness::service::{
    body_for, ideal_time, jobs_of, one_result_each, run_paused, split_url, starts, Arrivals,
    Broken, Call, FakeService, IdealLimits, Kept, Script, Stats, Stopwatch,
};
use kata_harness::{ensure, fail, ms, pass, say, Outcome, Verdict};
use std::future::Future;
use std::process::ExitCode;
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
/// A rate so high it never binds, for checks about other limits.
const NO_RATE: usize = 100_000;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "results-in-order" => paused::results_in_order,
            "result i is urls[i]'s; a 404 or 500 gives its own Err(Status) and is not retried; each URL requested once";
        "concurrency-cap" => paused::concurrency_cap,
            "paused clock: 30 requests, one of 1 s among 100 ms ones, concurrency 4: never more than 4 in flight, within 1.05 × the ideal time";
        "rate-limit" => paused::rate_limit,
            "paused clock: 30 requests at 5 per 1 s, all at once, in bursts across a window's edge, and with the runtime held up: never more than 5 starts in any 1 s, within 1.05 × the ideal time";
        "per-host-caps" => paused::per_host_caps,
            "paused clock: 3 hosts (two on one name, other ports), 2 per host: each host's cap held, within 1.05 × the ideal time";
        "retry-after" => retry::retry_after,
            "paused clock: a 429 is retried after what Retry-After says, not sooner; after max_retries, Err(RateLimited)";
        "retries-within-limits" => retry::retries_within_limits,
            "paused clock: 16 requests, 2 in flight and 6 per 1 s, half answered 429 twice: every attempt, retries included, within both limits";
        "limits-shared" => paused::limits_shared,
            "paused clock: two get_all at once on one Client share its concurrency and rate";
        "notes-experiment" => paused::notes_experiment,
            "paused clock: 50 calls of 500 ms with at most 1, 5, 10 in flight: time, mean latency and peak of each";
        "loopback" => loopback::loopback,
            "real HTTP, 3 hosts: caps held server-side, departures within the rate, no 429 from a server allowing rate + 1, ≤ 1.3 × ideal + 150 ms";
        "loopback-retry-after" => retry::loopback_retry_after,
            "real HTTP, a server stricter than the client: every retry waits what its 429 said and keeps the cap, every URL succeeds";
    })
}

fn limits(
    concurrency: usize,
    per_host: usize,
    rate: usize,
    window: Duration,
    max_retries: u32,
) -> Limits {
    Limits { concurrency, per_host, rate, window, max_retries }
}

fn ideal_limits(limits: Limits) -> IdealLimits {
    IdealLimits {
        concurrency: limits.concurrency,
        per_host: limits.per_host,
        rate: (limits.rate < NO_RATE).then_some((limits.rate, limits.window)),
    }
}

/// `http://{host}/{what}/{i}` for `i` in `0..n`.
fn urls(host: &str, what: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("http://{host}/{what}/{i}")).collect()
}

/// The transport of the paused phase: every GET is a call of the fake
/// service, on the paused clock.
struct OnFake(FakeService);

impl Transport for OnFake {
    fn get(&self, url: &str) -> impl Future<Output = Result<Response, TransportError>> + Send {
        let call = self.0.get(url);
        async move {
            let reply = call.await;
            Ok(Response { status: reply.status, headers: reply.headers, body: reply.body })
        }
    }
}

/// What one paused-clock run gave and what the fake saw.
struct Paused {
    results: Vec<Result<String, ClientError>>,
    /// For each `get` the check called itself, from its arrival to its
    /// result (queueing included); empty for `get_all`.
    waits: Vec<Duration>,
    stats: Stats,
    calls: Vec<Call>,
    elapsed: Duration,
    /// The ideal time of the scenario under the client's limits.
    ideal: Duration,
}

/// On the paused clock, over a fake of `script`, a new `Client` with
/// `limits` gets `urls`: with `get_all`, or, given `arrivals`, with one
/// `get` per URL at its arrival time.
fn paused(
    what: &str,
    script: Script,
    limits: Limits,
    urls: Vec<String>,
    arrivals: Option<Arrivals>,
) -> Result<Paused, Outcome> {
    let ideal = ideal_time(&jobs_of(&script, &urls, arrivals.as_ref()), ideal_limits(limits));
    let run = run_paused(PAUSED_LIMIT, what, move || async move {
        let fake = FakeService::new(script);
        let client = Client::new(OnFake(fake.clone()), limits);
        let (results, waits) = match arrivals {
            None => (client.get_all(&urls).await, Vec::new()),
            Some(arrivals) => arrivals.drive(|i| client.get(&urls[i])).await.into_iter().unzip(),
        };
        (results, waits, fake.stats(), fake.calls())
    })?;
    let (results, waits, stats, calls) = run.value;
    Ok(Paused { results, waits, stats, calls, elapsed: run.elapsed, ideal })
}

/// Every result must be the body of its URL.
fn all_bodies(urls: &[String], results: &[Result<String, ClientError>]) -> Result<(), Outcome> {
    one_result_each("URL", urls.len(), results.len())?;
    let body = |url: &str| body_for(split_url(url).1);
    for (i, (url, result)) in urls.iter().zip(results).enumerate() {
        ensure(*result == Ok(body(url)), || {
            match result {
            Ok(got) if urls.iter().any(|u| body(u) == *got) => fail(format!(
                "result {i} is {}, the body of another URL: results must come back in the order of the URLs",
                say::result(result)
            )),
            _ => fail(format!(
                "urls[{i}] ({url}) answers 200 with {:?}, but its result is {}",
                body(url),
                say::result(result)
            )),
        }
        })?;
    }
    Ok(())
}

/// On the paused clock a right client hits the ideal to the millisecond
/// (tokio's timer rounds a deadline up to the next one): 5% is slack, not
/// tolerance of noise.
fn bound(ideal: Duration) -> Duration {
    ideal.mul_f64(1.05)
}

/// Judges a paused run against `limits` (and, if `timed`, 1.05 × its
/// ideal), with `say`'s messages: see [`Kept::verdict`].
fn judge(
    run: &Paused,
    limits: Limits,
    timed: bool,
    details: Vec<String>,
    say: impl Fn(&Broken, &Kept) -> Option<String>,
    passed: String,
) -> Verdict {
    let mut kept = Kept::new(ideal_limits(limits), &run.stats, &starts(&run.calls), "fake's side");
    if timed {
        kept = kept.timed(run.elapsed, run.ideal, bound(run.ideal));
    }
    kept.verdict(details, say, passed)
}
