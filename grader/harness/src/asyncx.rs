//! What async checks are written with (feature `async`).
//!
//! Two ways to run learner code, one per phase of an async check (principle 3
//! of the curriculum):
//!
//! - [`run_paused`]: a `current_thread` runtime whose clock starts paused.
//!   Time moves only when every task is waiting on a timer, and then jumps
//!   straight to the next deadline: 50 calls of 500 ms, 5 at a time, take
//!   exactly 5 s of *virtual* time and a few milliseconds of real time,
//!   whatever the machine's load. [`FakeService`] is the in-process fake to
//!   point learner code at there: it sleeps on that clock and counts what it
//!   receives (in flight, per host, per path, starts per window).
//! - [`run_loopback`]: the same kind of runtime on the real clock, for code
//!   that talks to `kata_fakes::FakeServer` over real sockets (real I/O cannot
//!   run on a paused clock: the clock would jump while a socket waits).
//!
//! Both run the future on a thread of their own under a real-time limit, so a
//! blocked runtime thread or a deadlock ends as a verdict that says so.
//! [`ideal_time`] computes the best time any client could reach under given
//! limits, the yardstick of every time check (principle 2), and
//! [`max_in_window`] / [`timeline`] read counts and pictures off the spans a
//! fake recorded.

pub use crate::measure::max_in_window;
use crate::protocol::human_duration;
use crate::sched::{SchedClock, LOOK};
use crate::{fail, Outcome};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::hash::Hash;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};
use tokio::time::Instant;

/// A `current_thread` runtime whose clock starts paused, as
/// `#[tokio::test(start_paused = true)]` builds it.
///
/// # Errors
/// The runtime could not be built.
pub fn paused_runtime() -> std::io::Result<Runtime> {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
}

/// A `current_thread` runtime on the real clock, with I/O, for loopback runs.
///
/// # Errors
/// The runtime could not be built.
pub fn loopback_runtime() -> std::io::Result<Runtime> {
    Builder::new_current_thread().enable_all().build()
}

/// What a run gave back, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run<T> {
    pub value: T,
    /// From the future's first poll to its end on the runtime's clock:
    /// virtual time for [`run_paused`], real time for [`run_loopback`].
    pub elapsed: Duration,
    /// Real time of the whole run, runtime included.
    pub wall: Duration,
}

/// Which clock a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    Paused,
    Real,
}

/// Runs the future that `make` builds on a fresh paused-clock runtime (see
/// [`paused_runtime`]), on a thread of its own, and waits at most `limit` of
/// real time for it.
///
/// `make` runs inside the runtime, so fakes built there (a [`FakeService`])
/// take their epoch from the paused clock. The future need not be `Send`.
/// A panic in it (the `todo!` of a stub) is passed on to the caller, as
/// [`crate::within`] does.
///
/// # Errors
/// A failing outcome if the run did not finish within `limit`: on a paused
/// clock waiting costs no real time, so the message says what blocks a
/// runtime thread. `what` completes "... did not finish".
pub fn run_paused<T, F, Fut>(limit: Duration, what: &str, make: F) -> Result<Run<T>, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    run_on(Clock::Paused, limit, what, make)
}

/// Runs the future that `make` builds on a fresh real-clock runtime (see
/// [`loopback_runtime`]), on a thread of its own, and waits at most `limit`
/// for it. As [`run_paused`] otherwise.
///
/// # Errors
/// A failing outcome if the run did not finish within `limit`.
pub fn run_loopback<T, F, Fut>(limit: Duration, what: &str, make: F) -> Result<Run<T>, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    run_on(Clock::Real, limit, what, make)
}

/// What the run's thread sends back: the run, a panic, or a runtime that
/// could not be built.
type Sent<T> = Result<std::thread::Result<Run<T>>, String>;

fn run_on<T, F, Fut>(clock: Clock, limit: Duration, what: &str, make: F) -> Result<Run<T>, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    let (tx, rx) = mpsc::channel::<Sent<T>>();
    // Read if the run never ends: is the runtime's thread computing?
    let thread_clock: Arc<OnceLock<SchedClock>> = Arc::default();
    let clock_of_run = Arc::clone(&thread_clock);
    let spawned = std::thread::Builder::new()
        .name("kata-async".into())
        .spawn(move || {
            clock_of_run.get_or_init(SchedClock::this_thread);
            let began = std::time::Instant::now();
            let runtime = match clock {
                Clock::Paused => paused_runtime(),
                Clock::Real => loopback_runtime(),
            };
            let runtime = match runtime {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                runtime.block_on(async move {
                    let start = Instant::now();
                    let value = make().await;
                    (value, start.elapsed())
                })
            }));
            let result = result.map(|(value, elapsed)| Run {
                value,
                elapsed,
                wall: began.elapsed(),
            });
            let _ = tx.send(Ok(result));
            // Never wait for tasks the code under test left behind (a
            // `spawn_blocking` stuck forever would hold up a plain drop).
            runtime.shutdown_background();
        });
    if let Err(e) = spawned {
        return Err(fail(format!("the check could not start a thread: {e}")));
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(Ok(run))) => Ok(run),
        Ok(Ok(Err(panic))) => resume_unwind(panic),
        Ok(Err(why)) => Err(fail(format!(
            "the check could not build its tokio runtime: {why}"
        ))),
        Err(_) => Err(fail(match clock {
            Clock::Paused => format!(
                "{what} did not finish within {} of real time, though on the grader's paused clock \
                 waiting costs no real time at all (a call of 500 ms returns at once). So something \
                 blocked the runtime's only thread — `std::thread::sleep`, `futures::executor::block_on`, \
                 a blocking lock, join or channel receive, a busy loop — or your code waits for \
                 something that never happens. Inside async code, wait with `.await` \
                 (`tokio::time::sleep(d).await`, not `std::thread::sleep(d)`).",
                human_duration(limit)
            ),
            Clock::Real => format!(
                "{what} did not finish in {}: a deadlock, a wait that never ends, or a runtime \
                 thread blocked by `std::thread::sleep` or another blocking call?",
                human_duration(limit)
            ),
        } + &computing(thread_clock.get()))),
    }
}

/// What a short look at the runtime's thread of a run that never ended
/// adds to its failure, where the system says: is it looping or blocked?
fn computing(clock: Option<&SchedClock>) -> String {
    match clock.and_then(|clock| clock.look(LOOK)) {
        Some(look) if look.computing() => format!(
            " Right now the runtime's thread is computing (it used {} of CPU in the last {}): \
             a busy loop, or CPU work that never reaches an `.await`?",
            human_duration(look.ran),
            human_duration(look.length)
        ),
        Some(look) => format!(
            " Right now the runtime's thread uses no CPU (none in the last {}): it is blocked or \
             waiting, not looping.",
            human_duration(look.length)
        ),
        None => String::new(),
    }
}

/// Measures time on the runtime's clock (virtual on a paused clock).
/// Create and read it inside the runtime.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            start: Instant::now(),
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// The body a [`FakeService`] answers for `path` unless a route says
/// otherwise; the same text as `kata_fakes::body_for`.
pub fn body_for(path: &str) -> String {
    format!("kata body for {path}")
}

/// How a [`FakeService`] answers one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeRoute {
    pub status: u16,
    pub latency: Duration,
    /// `None` answers [`body_for`] of the path.
    pub body: Option<String>,
    /// Answer `429` at once to this many calls first.
    pub busy: usize,
    /// What those `429`s tell the caller to wait.
    pub busy_wait: Duration,
}

impl FakeRoute {
    /// `200` with no latency and the default body.
    pub fn ok() -> FakeRoute {
        FakeRoute::status(200)
    }

    /// Answer `code`, no latency, the default body.
    pub fn status(code: u16) -> FakeRoute {
        FakeRoute {
            status: code,
            latency: Duration::ZERO,
            body: None,
            busy: 0,
            busy_wait: Duration::ZERO,
        }
    }

    /// Sleep `d` (on the runtime's clock) before answering.
    pub fn latency(mut self, d: Duration) -> FakeRoute {
        self.latency = d;
        self
    }

    /// Answer `s` instead of the default body.
    pub fn body(mut self, s: impl Into<String>) -> FakeRoute {
        self.body = Some(s.into());
        self
    }

    /// Answer the first `times` calls `429 Too Many Requests` at once, with
    /// `Retry-After` (whole seconds, rounded up) and `x-retry-after-ms`
    /// saying `wait`; answer as scripted after that.
    pub fn busy(mut self, times: usize, wait: Duration) -> FakeRoute {
        self.busy = times;
        self.busy_wait = wait;
        self
    }
}

/// What a [`FakeService`] does; builder style from [`FakeScript::new`], like
/// `kata_fakes::Script`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FakeScript {
    latency: Duration,
    routes: HashMap<String, FakeRoute>,
    rate_limit: Option<(usize, Duration)>,
}

impl FakeScript {
    /// Every path answers `200` with [`body_for`] at once; no rate limit.
    pub fn new() -> FakeScript {
        FakeScript::default()
    }

    /// The latency of every path without a route of its own.
    pub fn latency(mut self, d: Duration) -> FakeScript {
        self.latency = d;
        self
    }

    /// Answer exactly `path` with `route`.
    pub fn route(mut self, path: &str, route: FakeRoute) -> FakeScript {
        self.routes.insert(path.to_owned(), route);
        self
    }

    /// Answer `429` at once (with the same headers as `kata_fakes`) to a call
    /// that would make more than `max` accepted calls start within any
    /// `window`, as `kata_fakes::Script::rate_limit` does.
    pub fn rate_limit(mut self, max: usize, window: Duration) -> FakeScript {
        self.rate_limit = Some((max, window));
        self
    }

    fn route_for(&self, path: &str) -> FakeRoute {
        self.routes
            .get(path)
            .cloned()
            .unwrap_or_else(|| FakeRoute::ok().latency(self.latency))
    }
}

/// One answer of a [`FakeService`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeReply {
    pub status: u16,
    /// Lowercase names: `retry-after`, `x-retry-after-ms` on a `429`.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// One call a [`FakeService`] received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeCall {
    pub host: String,
    pub path: String,
    /// When the call was first polled, since the fake was made (runtime clock).
    pub start: Duration,
    /// When it answered, or was dropped unfinished.
    pub end: Duration,
    pub status: u16,
}

/// What a [`FakeService`] counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FakeStats {
    /// Every call received, `429`s included.
    pub calls: usize,
    /// The most calls in progress at once.
    pub peak_in_flight: usize,
    pub per_path: BTreeMap<String, usize>,
    pub per_host: BTreeMap<String, usize>,
    /// The most calls in progress at once per host.
    pub peak_per_host: BTreeMap<String, usize>,
    /// Calls answered `429` (rate limit or a busy route).
    pub rate_limited: usize,
}

/// An in-process service on the runtime's clock: learner code calls it
/// through whatever trait or closure the exercise defines, and the check
/// reads what it counted. Cloning shares the counters.
///
/// Make it inside the runtime (in the closure given to [`run_paused`]): its
/// times are measured from its making, on that runtime's clock.
#[derive(Clone)]
pub struct FakeService {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for FakeService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeService")
            .field("script", &self.shared.script)
            .finish_non_exhaustive()
    }
}

struct Shared {
    script: FakeScript,
    epoch: Instant,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    next_seq: u64,
    per_path: BTreeMap<String, usize>,
    per_host: BTreeMap<String, usize>,
    host_now: BTreeMap<String, usize>,
    host_peak: BTreeMap<String, usize>,
    rate_limited: usize,
    /// Start times of calls the rate limit accepted, in order.
    accepted: Vec<Duration>,
    /// Finished (or dropped) calls with their start order.
    calls: Vec<(u64, FakeCall)>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One call in progress: leaves the gauges and records itself when dropped,
/// whether it answered or the caller dropped it.
struct Active {
    shared: Arc<Shared>,
    seq: u64,
    host: String,
    path: String,
    start: Duration,
    status: u16,
}

impl Drop for Active {
    fn drop(&mut self) {
        let end = self.shared.epoch.elapsed();
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut st = self.shared.lock();
        if let Some(now) = st.host_now.get_mut(&self.host) {
            *now = now.saturating_sub(1);
        }
        let call = FakeCall {
            host: std::mem::take(&mut self.host),
            path: std::mem::take(&mut self.path),
            start: self.start,
            end,
            status: self.status,
        };
        st.calls.push((self.seq, call));
    }
}

impl FakeService {
    /// Starts counting now, on the current runtime's clock.
    pub fn new(script: FakeScript) -> FakeService {
        FakeService {
            shared: Arc::new(Shared {
                script,
                epoch: Instant::now(),
                in_flight: AtomicUsize::new(0),
                peak: AtomicUsize::new(0),
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// One call to `path` on `host`. Nothing happens until the future is
    /// first polled (that is when the call starts, as a request leaves when
    /// it is sent): then it is counted in, waits its latency on the runtime's
    /// clock and answers.
    pub fn call(&self, host: &str, path: &str) -> impl Future<Output = FakeReply> + Send + 'static {
        let shared = Arc::clone(&self.shared);
        let (host, path) = (host.to_owned(), path.to_owned());
        async move {
            let (mut active, route, limited) = Self::enter(&shared, host, path);
            let reply = match limited {
                Some(wait) => too_many_requests(wait),
                None => {
                    if !route.latency.is_zero() {
                        tokio::time::sleep(route.latency).await;
                    }
                    FakeReply {
                        status: route.status,
                        headers: Vec::new(),
                        body: route.body.unwrap_or_else(|| body_for(&active.path)),
                    }
                }
            };
            active.status = reply.status;
            reply
        }
    }

    /// Counts a call in and decides on it: its route, and `Some(wait)` if it
    /// is answered `429`.
    fn enter(
        shared: &Arc<Shared>,
        host: String,
        path: String,
    ) -> (Active, FakeRoute, Option<Duration>) {
        // Ordering: SeqCst, one total order for "now" and "peak", so the peak
        // never misses an overlap that happened.
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.peak.fetch_max(now, Ordering::SeqCst);
        let start = shared.epoch.elapsed();
        let route = shared.script.route_for(&path);
        let mut st = shared.lock();
        let seq = st.next_seq;
        st.next_seq += 1;
        let seen = {
            let n = st.per_path.entry(path.clone()).or_insert(0);
            *n += 1;
            *n
        };
        *st.per_host.entry(host.clone()).or_insert(0) += 1;
        let host_now = {
            let n = st.host_now.entry(host.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let peak = st.host_peak.entry(host.clone()).or_insert(0);
        *peak = (*peak).max(host_now);
        let limited = if seen <= route.busy {
            Some(route.busy_wait)
        } else if let Some((max, window)) = shared.script.rate_limit {
            admit(&mut st.accepted, max, window, start)
        } else {
            st.accepted.push(start);
            None
        };
        if limited.is_some() {
            st.rate_limited += 1;
        }
        let active = Active {
            shared: Arc::clone(shared),
            seq,
            host,
            path,
            start,
            status: 0,
        };
        (active, route, limited)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> FakeStats {
        let st = self.shared.lock();
        FakeStats {
            calls: st.per_path.values().sum(),
            peak_in_flight: self.shared.peak.load(Ordering::SeqCst),
            per_path: st.per_path.clone(),
            per_host: st.per_host.clone(),
            peak_per_host: st.host_peak.clone(),
            rate_limited: st.rate_limited,
        }
    }

    /// Every finished (or dropped) call, in the order the calls started.
    pub fn calls(&self) -> Vec<FakeCall> {
        let mut calls = self.shared.lock().calls.clone();
        calls.sort_by_key(|(seq, _)| *seq);
        calls.into_iter().map(|(_, call)| call).collect()
    }

    /// The most calls (all of them, `429`s included) that started within any
    /// half-open interval of length `window`.
    pub fn max_starts_within(&self, window: Duration) -> usize {
        let starts: Vec<Duration> = self.calls().iter().map(|c| c.start).collect();
        max_in_window(&starts, window)
    }
}

/// The sliding-window meter of `kata_fakes`, on the runtime's clock: accept
/// (and record) a start at `now`, or say how long until a slot frees.
fn admit(
    accepted: &mut Vec<Duration>,
    max: usize,
    window: Duration,
    now: Duration,
) -> Option<Duration> {
    let inside: Vec<Duration> = accepted
        .iter()
        .copied()
        .filter(|&s| now.saturating_sub(s) < window)
        .collect();
    if inside.len() < max {
        accepted.push(now);
        return None;
    }
    Some(match inside.len().checked_sub(max) {
        Some(i) if max > 0 => (inside[i] + window).saturating_sub(now),
        _ => window,
    })
}

/// The immediate `429`, with both headers `kata_fakes` sends.
fn too_many_requests(wait: Duration) -> FakeReply {
    let ceil = |unit: Duration| {
        let units = wait.as_nanos().div_ceil(unit.as_nanos()).max(1);
        u64::try_from(units).unwrap_or(u64::MAX)
    };
    FakeReply {
        status: 429,
        headers: vec![
            (
                "retry-after".into(),
                ceil(Duration::from_secs(1)).to_string(),
            ),
            (
                "x-retry-after-ms".into(),
                ceil(Duration::from_millis(1)).to_string(),
            ),
        ],
        body: "kata: rate limited".into(),
    }
}

/// The limits under which [`ideal_time`] schedules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdealLimits {
    /// At most this many jobs at once.
    pub concurrency: usize,
    /// At most this many jobs of one host at once.
    pub per_host: usize,
    /// At most `.0` starts within any `.1`.
    pub rate: Option<(usize, Duration)>,
}

/// The time by which every job is done when each starts as early as the
/// limits allow, taking waiting jobs in list order: what a client that never
/// wastes a slot achieves. `jobs` are (host, latency).
///
/// For jobs of equal latency on one host this is the optimum; with several
/// hosts it is the schedule of a client whose queues are first come, first
/// served, which is what checks should hold a client to.
///
/// # Panics
/// If a limit is zero (nothing could ever start).
pub fn ideal_time<H: Eq + Hash>(jobs: &[(H, Duration)], limits: IdealLimits) -> Duration {
    assert!(
        limits.concurrency > 0 && limits.per_host > 0 && limits.rate.is_none_or(|(r, _)| r > 0),
        "ideal_time: a zero limit never lets a job start"
    );
    let mut waiting: Vec<usize> = (0..jobs.len()).collect();
    let mut running: Vec<(Duration, usize)> = Vec::new(); // (end, job)
    let mut starts: Vec<Duration> = Vec::new();
    let mut done = Duration::ZERO;
    let mut now = Duration::ZERO;
    while !waiting.is_empty() {
        running.retain(|&(end, _)| end > now);
        let in_window = |starts: &[Duration], now: Duration| match limits.rate {
            Some((_, window)) => starts
                .iter()
                .filter(|&&s| now.saturating_sub(s) < window)
                .count(),
            None => 0,
        };
        let mut i = 0;
        while i < waiting.len() {
            let job = waiting[i];
            let host_busy = running
                .iter()
                .filter(|&&(_, j)| jobs[j].0 == jobs[job].0)
                .count();
            let rate_ok = limits.rate.is_none_or(|(r, _)| in_window(&starts, now) < r);
            if running.len() < limits.concurrency && host_busy < limits.per_host && rate_ok {
                let end = now + jobs[job].1;
                running.push((end, job));
                starts.push(now);
                done = done.max(end);
                waiting.remove(i);
            } else {
                i += 1;
            }
        }
        if waiting.is_empty() {
            break;
        }
        // The next moment something changes: a job ends, or the oldest start
        // in the window leaves it.
        let mut next = running.iter().map(|&(end, _)| end).min();
        if let Some((r, window)) = limits.rate {
            if in_window(&starts, now) >= r {
                let leaves = starts
                    .iter()
                    .find(|&&s| now.saturating_sub(s) < window)
                    .map(|&s| s + window);
                next = match (next, leaves) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        match next {
            Some(t) if t > now => now = t,
            // Nothing running and the window not full: cannot happen with
            // nonzero limits, but never loop forever.
            _ => break,
        }
    }
    done
}

/// One line picturing how many spans (start, end) were in progress, one
/// digit per time step (`+` for ten or more), from the first start to the
/// last end; e.g. `in flight, one digit per 100 ms: 5555533333`.
pub fn timeline(label: &str, spans: &[(Duration, Duration)]) -> String {
    let (Some(first), Some(last)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return format!("{label}: nothing finished");
    };
    let span = last.saturating_sub(first);
    let cells_of = |step: Duration| span.as_nanos().div_ceil(step.as_nanos()).max(1);
    let step = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]
        .map(Duration::from_millis)
        .into_iter()
        .find(|&step| cells_of(step) <= 60)
        .unwrap_or_else(|| span / 60 + Duration::from_micros(1));
    let mut line = String::new();
    for cell in 0..cells_of(step) {
        let from = first + step * u32::try_from(cell).unwrap_or(u32::MAX);
        // The most in progress at any of five instants within the cell.
        let most = (0..5)
            .map(|k| {
                let t = from + step * k / 5 + step / 10;
                spans.iter().filter(|s| s.0 <= t && t < s.1).count()
            })
            .max()
            .unwrap_or(0);
        line.push(match most {
            0..=9 => char::from(b'0' + u8::try_from(most).unwrap_or(0)),
            _ => '+',
        });
    }
    format!("{label}, one digit per {}: {line}", human_duration(step))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn ideal_time_of_rounds_and_of_a_rate() {
        let jobs: Vec<(u8, Duration)> = (0..50).map(|_| (0, ms(500))).collect();
        let only = |c| IdealLimits {
            concurrency: c,
            per_host: c,
            rate: None,
        };
        assert_eq!(ideal_time(&jobs, only(5)), ms(5000));
        assert_eq!(ideal_time(&jobs, only(1)), ms(25_000));
        assert_eq!(ideal_time(&jobs[..0], only(3)), Duration::ZERO);
        // 30 jobs of 50 ms, 5 starts per second: the last starts at 5 s.
        let rated: Vec<(u8, Duration)> = (0..30).map(|_| (0, ms(50))).collect();
        let limits = IdealLimits {
            concurrency: 10,
            per_host: 10,
            rate: Some((5, ms(1000))),
        };
        assert_eq!(ideal_time(&rated, limits), ms(5050));
    }

    #[test]
    fn ideal_time_holds_each_host_to_its_cap() {
        let mut jobs: Vec<(&str, Duration)> = Vec::new();
        for i in 0..24 {
            jobs.push((["a", "a", "b", "a", "a", "c"][i % 6], ms(100)));
        }
        let limits = IdealLimits {
            concurrency: 6,
            per_host: 2,
            rate: None,
        };
        // 16 jobs on host a, two at a time.
        assert_eq!(ideal_time(&jobs, limits), ms(800));
    }

    #[test]
    fn the_paused_clock_runs_a_second_in_no_time() {
        let run = run_paused(ms(5000), "a sleep", || async {
            let fake = FakeService::new(FakeScript::new().latency(ms(1000)));
            let calls = (0..10).map(|i| Box::pin(fake.call("h", &format!("/{i}"))));
            let replies = futures_join(calls.collect()).await;
            (replies, fake.stats())
        })
        .unwrap();
        let (replies, stats) = run.value;
        assert_eq!(run.elapsed, ms(1000));
        assert!(run.wall < ms(1000), "{:?}", run.wall);
        assert_eq!(replies[3].body, body_for("/3"));
        assert_eq!(stats.peak_in_flight, 10);
        assert_eq!(stats.peak_per_host["h"], 10);
    }

    #[test]
    fn a_busy_route_and_the_meter_answer_429_with_both_headers() {
        let run = run_paused(ms(5000), "calls", || async {
            let fake = FakeService::new(
                FakeScript::new()
                    .rate_limit(2, ms(1000))
                    .route("/busy", FakeRoute::ok().busy(1, ms(1500))),
            );
            let busy = fake.call("h", "/busy").await;
            let a = fake.call("h", "/a").await;
            let b = fake.call("h", "/b").await;
            let c = fake.call("h", "/c").await;
            (busy, a, b, c, fake.stats())
        })
        .unwrap();
        let (busy, a, b, c, stats) = run.value;
        assert_eq!(busy.status, 429);
        assert!(busy.headers.contains(&("retry-after".into(), "2".into())));
        assert!(busy
            .headers
            .contains(&("x-retry-after-ms".into(), "1500".into())));
        assert_eq!((a.status, b.status, c.status), (200, 200, 429));
        assert!(c
            .headers
            .contains(&("x-retry-after-ms".into(), "1000".into())));
        assert_eq!(stats.rate_limited, 2);
    }

    #[test]
    fn a_blocked_runtime_is_named() {
        let outcome = run_paused(ms(200), "the blocking code", || async {
            std::thread::sleep(ms(2000));
        })
        .unwrap_err();
        assert!(outcome
            .message
            .contains("blocked the runtime's only thread"));
        let linux = SchedClock::this_thread().read().is_some();
        if linux {
            assert!(
                outcome.message.contains("uses no CPU"),
                "{}",
                outcome.message
            );
        }
        // A busy loop (that ends a while after the limit).
        let spinning = run_paused(ms(200), "the spinning code", || async {
            let start = std::time::Instant::now();
            while start.elapsed() < ms(2000) {
                std::hint::spin_loop();
            }
        })
        .unwrap_err();
        if linux {
            assert!(
                spinning.message.contains("is computing"),
                "{}",
                spinning.message
            );
        }
    }

    /// `join_all` without the futures crate: poll every future in turn.
    async fn futures_join<F: Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
        let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (slot, future) in out.iter_mut().zip(futures.iter_mut()) {
                if slot.is_none() {
                    match std::pin::Pin::new(future).poll(cx) {
                        std::task::Poll::Ready(v) => *slot = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        out.into_iter().flatten().collect()
    }
}
