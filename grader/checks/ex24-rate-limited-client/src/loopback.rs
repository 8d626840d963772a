//! The check over real HTTP: the learner's `HttpTransport` against
//! `kata_fakes::FakeServer`, three hosts and a rate-limiting meter.

use super::*;
use kata_fakes::FakeServer;
use kata_harness::picture::in_flight;
use kata_harness::service::{ideal_time, run_loopback, spans, Departures, Job, Stalls};
use kata_harness::{pass, Verdict};

/// Real time a loopback run may take: about ten times what a right client
/// needs, even one that honours `Retry-After` in whole seconds.
const LOOPBACK_LIMIT: Duration = Duration::from_secs(12);
const HOSTS: usize = 3;
const N: usize = 24;
const LATENCY: Duration = Duration::from_millis(50);
/// How much shorter the server's window is than the client's, and how much
/// shorter the window the check counts departures in: the server meters
/// *arrivals*, the client its *departures*, and between the two a request
/// waits for the client's thread, a pooled connection or a new one, the
/// server's accept. And a limiter that reserves each start ahead and sleeps
/// until it (right) sends a millisecond late now and then, by timer jitter,
/// bunched with later ones that were on time.
const SLACK: Duration = Duration::from_millis(20);
/// A stall of the runtime's thread this long excuses the server's 429s: it
/// held requests up on their way out, and they arrived bunched.
const HELD_UP: Duration = Duration::from_millis(10);
/// How many times the shape runs at most while the rate looks broken.
const RUNS: usize = 3;

/// Which host request `i` goes to: two thirds to host 0, so its cap binds.
fn host(i: usize) -> usize {
    [0, 0, 1, 0, 2, 0][i % 6]
}

fn loopback_limits() -> Limits {
    limits(4, 2, 6, ms(200), 3)
}

/// The learner's transport, wrapped by the check: it notes when each
/// request was handed over and first polled (the moment it leaves), then
/// lets the learner's transport send it.
struct Leaving<T> {
    inner: T,
    departures: Departures,
}

impl<T: Transport + Sync> Transport for Leaving<T> {
    fn get(&self, url: &str) -> impl Future<Output = Result<Response, TransportError>> + Send {
        let sending = self.inner.get(url);
        let departures = self.departures.clone();
        async move {
            departures.note();
            sending.await
        }
    }
}

/// What one loopback run gave: results, real time, and when each request
/// left, noted by the check.
pub struct LoopbackRun {
    pub results: Vec<Result<String, ClientError>>,
    pub elapsed: Duration,
    pub departures: Departures,
    /// The longest the runtime's thread was held up (see [`Stalls`]).
    pub stall: Duration,
}

/// `get_all(urls)` over real HTTP with a new `Client` on the learner's
/// `HttpTransport`, wrapped in [`Leaving`].
pub fn loopback_get_all(
    what: &str,
    limits: Limits,
    urls: Vec<String>,
) -> Result<LoopbackRun, Outcome> {
    let run = run_loopback(LOOPBACK_LIMIT, what, move || async move {
        let departures = Departures::new();
        let transport = Leaving { inner: HttpTransport::new(), departures: departures.clone() };
        let client = Client::new(transport, limits);
        let (watch, stalls) = (Stopwatch::start(), Stalls::watch());
        let results = client.get_all(&urls).await;
        LoopbackRun { results, elapsed: watch.elapsed(), departures, stall: stalls.longest() }
    })?;
    Ok(run.value)
}

/// The loopback shape, run once against a fresh server.
struct Shape {
    run: LoopbackRun,
    stats: Stats,
    calls: Vec<Call>,
    urls: Vec<String>,
}

fn shape() -> Result<Shape, Outcome> {
    let limits = loopback_limits();
    let script = Script::new()
        .latency(LATENCY)
        .hosts(HOSTS)
        .rate_limit(limits.rate + 1, limits.window - SLACK);
    let server = FakeServer::for_check(script)?;
    let urls: Vec<String> = (0..N).map(|i| server.url_on(host(i), &format!("/r/{i}"))).collect();
    let run = loopback_get_all("get_all of 24 URLs over HTTP", limits, urls.clone())?;
    Ok(Shape { run, stats: server.stats(), calls: server.events(), urls })
}

/// Real HTTP. What is judged, and on whose side:
///
/// - the caps: the server's own peaks in flight, overall and per host (a
///   request is in flight at the server for less time than at the client,
///   so a client that keeps its caps always passes);
/// - the rate: the departures noted at the transport, at most `rate + 1`
///   within any `window - SLACK - stall`: one more for a request whose
///   thread was preempted between the client's clock reading and the send,
///   the slack for a reservation that woke a millisecond late, and the
///   longest stall of the runtime's thread ([`Stalls`]), because a stall
///   makes every wake-up late by as much and bunches what was on time with
///   what was late (a limiter that books its starts ahead, which
///   `rate-limit`'s held-up run fails exactly, did so: with two busy loops
///   on the 2 cores, 4 runs in 60 had a stall of 20 to 45 ms and sent 9 or
///   10 within 180 ms);
/// - no 429 from a server that allows `rate + 1` arrivals per
///   `window - 20 ms`, unless the runtime's thread was held up by
///   [`HELD_UP`] or more (the same stalls bunch the arrivals). Arrivals are
///   departures shifted by a delay that a busy machine stretches now and
///   then at the server too: measured (a window of 250 ms, both cores busy,
///   builds running), 1 run in 80 of the reference saw three requests arrive
///   30-60 ms late while the ones that replaced them a window later did not;
/// - so while the rate looks broken either way, the shape runs again, up
///   to [`RUNS`] times, and the last run is judged: a busy machine is
///   forgiven, a client that breaks its rate never is (it breaks it in every
///   run, and the paused clock's checks have judged it exactly already);
/// - the results, then the time, ≤ 1.3 × the ideal + 150 ms.
pub fn loopback() -> Verdict {
    let limits = loopback_limits();
    let counted = |run: &LoopbackRun| limits.window - SLACK - run.stall.min(limits.window / 4);
    let broke = |shape: &Shape| {
        let most = shape.run.departures.most_within(counted(&shape.run));
        most > limits.rate + 1 || (shape.stats.rate_limited > 0 && shape.run.stall < HELD_UP)
    };
    let mut shape = shape()?;
    let mut runs = 1;
    while broke(&shape) && runs < RUNS {
        shape = self::shape()?;
        runs += 1;
    }
    let Shape { run, stats, calls, urls } = &shape;
    let jobs: Vec<Job<usize>> = (0..N).map(|i| Job::new(host(i), LATENCY)).collect();
    let ideal = ideal_time(&jobs, ideal_limits(limits));
    let bound = ideal.mul_f64(1.3) + ms(150);
    let host_peak = stats.peak_per_host.values().copied().max().unwrap_or(0);
    let most = run.departures.most_within(counted(run));
    let (window, short, within) = (
        human_duration(limits.window),
        human_duration(limits.window - SLACK),
        human_duration(counted(run)),
    );
    let report = |o: Outcome| {
        o.figure(
            "elapsed",
            human_duration(run.elapsed),
            format!("≤ 1.3 × ideal {} + 150 ms = {}", human_duration(ideal), human_duration(bound)),
        )
        .figure("429 answers (server-side)", stats.rate_limited, "== 0")
        .figure(
            format!("most requests sent within {within} (check-side, at the transport)"),
            most,
            format!("≤ {} + 1", limits.rate),
        )
        .figure("peak in flight (server-side)", stats.peak_in_flight, format!("≤ {}", limits.concurrency))
        .figure("peak in flight per host (server-side)", host_peak, format!("≤ {}", limits.per_host))
        .detail(format!(
            "limits: concurrency {}, {} per host, {} starts per {window}; the server allows {} arrivals per {short}{}",
            limits.concurrency,
            limits.per_host,
            limits.rate,
            limits.rate + 1,
            if runs > 1 {
                format!(
                    " (run {runs}: the earlier broke the rate at the server or at the transport, which a busy \
                     machine that holds requests up can do too)"
                )
            } else {
                String::new()
            }
        ))
        .detail(format!(
            "the runtime's thread was held up for {} at most; departures are counted within {within}",
            human_duration(run.stall)
        ))
        .detail(format!("requests sent in each {window}: {}", run.departures.per_window(limits.window)))
        .details(in_flight("in flight (server-side)", &spans(calls), Some(limits.concurrency)))
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
            "your client sent {most} requests within {within} (counted by the check as each request left \
             through your transport, in {runs} runs), but its rate is {} per {window}, and the server answered {} of them \
             429. Does your client keep a rate at all (a semaphore bounds the requests in flight, not the starts \
             per window)? If it does: is the start time you record the moment the request leaves (take the \
             rate's slot last, right before sending), and does a retry take a slot too?",
            limits.rate, stats.rate_limited
        )))
    })?;
    ensure(stats.rate_limited == 0 || run.stall >= HELD_UP, || {
        report(fail(format!(
            "the server answered {} request(s) 429, in {runs} runs: it allows {} arrivals per {short}, one more than \
             your client's rate in a slightly shorter window. Your client's departures kept the rate; are your \
             requests held up between leaving your limiter and reaching the socket (something slow after \
             the rate's slot is taken)?",
            stats.rate_limited,
            limits.rate + 1
        )))
    })?;
    if let Some((i, result)) = run.results.iter().enumerate().find(|(_, r)| r.is_err()) {
        return Err(report(fail(format!(
            "urls[{i}] gave {} over HTTP: every URL answers 200 when asked within the limits. (The checks \
             on the fake passed? Then look at your HttpTransport: any status is an answer, and only a \
             request that got none is a TransportError.)",
            say::result(result)
        ))));
    }
    all_bodies(urls, &run.results)?;
    ensure(run.elapsed <= bound, || {
        report(fail(format!(
            "24 requests over HTTP took {}; under your limits they need {}: keep every slot busy and wait \
             no longer than the rate requires",
            human_duration(run.elapsed),
            human_duration(ideal)
        )))
    })?;
    Ok(report(pass(format!(
        "24 requests on {HOSTS} hosts in {} ({:.2} × the ideal {}): no 429, at most {} in flight, {} per host",
        human_duration(run.elapsed),
        run.elapsed.as_secs_f64() / ideal.as_secs_f64(),
        human_duration(ideal),
        stats.peak_in_flight,
        host_peak
    ))))
}
