//! A scripted HTTP server that the hidden checks run in-process and point
//! learner code at, and that counts what it received.
//!
//! The checks judge what *this server* saw, never what the learner reports:
//! the peak number of requests in flight (overall and per host), requests per
//! path and per host, and the most requests that started within any
//! window-long interval. A [`Script`] says how the server answers (status,
//! latency, body per path, an optional sliding-window rate limit, how many
//! "hosts" to listen as); [`FakeServer::start`] runs it on its own OS thread
//! with its own tokio runtime, bound to `127.0.0.1` on random ports only.
//!
//! ```no_run
//! use std::time::Duration;
//! use kata_fakes::{Behavior, FakeServer, Script};
//!
//! let server = FakeServer::start(
//!     Script::new()
//!         .latency(Duration::from_millis(50))
//!         .route("/broken", Behavior::status(500)),
//! )?;
//! let url = server.url("/page/1");
//! // ... run the learner's code against `url` ...
//! let stats = server.stats();
//! assert!(stats.peak_in_flight <= 4);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use kata_harness::measure::max_in_window;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How long [`FakeServer`]'s `Drop` lets requests still being handled finish
/// before the runtime is torn down (which closes their connections).
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// The listen backlog of every listener: far above the 64 concurrent
/// connections the checks may open at once.
const LISTEN_BACKLOG: u32 = 1024;

/// The deterministic body the server answers for `path` unless a route's
/// [`Behavior::body`] says otherwise.
///
/// Checks use it to verify that learner code returned the body of the right
/// URL, e.g. `body_for("/a")` is `"kata body for /a"`.
pub fn body_for(path: &str) -> String {
    format!("kata body for {path}")
}

/// How the server answers one path: status, injected latency and body.
///
/// The latency is slept (asynchronously) before answering, so a "slow" route
/// is just a route with a large latency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Behavior {
    /// The HTTP status code answered; an invalid code (outside 100..=999)
    /// is answered as 500.
    pub status: u16,
    /// How long the handler sleeps before answering.
    pub latency: Duration,
    /// The body answered; `None` answers [`body_for`] of the request's path.
    pub body: Option<String>,
}

impl Behavior {
    /// `200 OK` with no latency and the default body ([`body_for`]).
    pub fn ok() -> Self {
        Self::status(200)
    }

    /// Answer `code` (e.g. a scripted `500`) with no latency and the default
    /// body ([`body_for`]).
    pub fn status(code: u16) -> Self {
        Behavior {
            status: code,
            latency: Duration::ZERO,
            body: None,
        }
    }

    /// Sleep `d` before answering. A route's latency replaces (does not add
    /// to) the script's default [`Script::latency`].
    pub fn latency(mut self, d: Duration) -> Self {
        self.latency = d;
        self
    }

    /// Answer `s` instead of the default body.
    pub fn body(mut self, s: impl Into<String>) -> Self {
        self.body = Some(s.into());
        self
    }
}

impl Default for Behavior {
    /// Same as [`Behavior::ok`].
    fn default() -> Self {
        Self::ok()
    }
}

/// A sliding-window rate limit: at most `max` accepted request starts within
/// any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RateLimit {
    max: usize,
    window: Duration,
}

/// What the server does: default latency, per-path behaviours, an optional
/// rate limit and the number of hosts. Built in builder style from
/// [`Script::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    latency: Duration,
    routes: HashMap<String, Behavior>,
    rate_limit: Option<RateLimit>,
    hosts: usize,
}

impl Script {
    /// Every path answers `200` with body [`body_for`]`(path)`, no latency,
    /// no rate limit, one host.
    pub fn new() -> Script {
        Script {
            latency: Duration::ZERO,
            routes: HashMap::new(),
            rate_limit: None,
            hosts: 1,
        }
    }

    /// The latency of every path that has no [`Script::route`] of its own.
    pub fn latency(mut self, d: Duration) -> Script {
        self.latency = d;
        self
    }

    /// Answer requests for exactly `path` (the path alone: the query string
    /// is ignored when matching) with `behavior`, instead of the default.
    /// A `path` without a leading `/` gets one. A later call for the same
    /// path replaces the earlier one.
    pub fn route(mut self, path: &str, behavior: Behavior) -> Script {
        self.routes.insert(normalize_path(path), behavior);
        self
    }

    /// Meter all requests (across hosts) with a sliding window: a request is
    /// answered `429 Too Many Requests` at once, with `Retry-After` (whole
    /// seconds, rounded up) and `x-retry-after-ms` (milliseconds, rounded up)
    /// saying when a slot frees, if accepting it would make more than `max`
    /// accepted requests start within the last `window`.
    pub fn rate_limit(mut self, max: usize, window: Duration) -> Script {
        self.rate_limit = Some(RateLimit { max, window });
        self
    }

    /// Listen on `n` ports, each one a distinct "host" (see
    /// [`FakeServer::host_name`]). `0` is taken as `1`. Default `1`.
    pub fn hosts(mut self, n: usize) -> Script {
        self.hosts = n.max(1);
        self
    }

    /// The behaviour for a request to `path`.
    fn behavior_for(&self, path: &str) -> Behavior {
        match self.routes.get(path) {
            Some(b) => b.clone(),
            None => Behavior::ok().latency(self.latency),
        }
    }
}

impl Default for Script {
    /// Same as [`Script::new`].
    fn default() -> Self {
        Self::new()
    }
}

/// A snapshot of what the server counted since it started or since the last
/// [`FakeServer::reset`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// All requests received, including those answered 429.
    pub requests: usize,
    /// The exact maximum number of requests being handled at once, across
    /// all hosts (429-answered ones included while they are handled).
    pub peak_in_flight: usize,
    /// Requests received per path (query string excluded).
    pub per_path: BTreeMap<String, usize>,
    /// Requests received per host, keyed by [`FakeServer::host_name`]; every
    /// host has an entry, `0` if it received nothing.
    pub per_host: BTreeMap<String, usize>,
    /// The exact maximum number of requests in flight at once per host, keyed
    /// by [`FakeServer::host_name`]; every host has an entry.
    pub peak_per_host: BTreeMap<String, usize>,
    /// Requests answered 429 by the rate limit.
    pub rate_limited: usize,
    /// The most accepted (not 429-answered) requests that started within any
    /// interval of the rate limit's window length (half-open, so two starts
    /// exactly one window apart are not in the same interval). `0` when the
    /// script has no rate limit.
    pub max_in_window: usize,
}

/// One request the server handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The request's path (query string excluded).
    pub path: String,
    /// The host that received it, as [`FakeServer::host_name`].
    pub host: String,
    /// When its handler started, since the server started.
    pub start: Duration,
    /// When its response was ready (or its handling was abandoned because the
    /// client went away), since the server started.
    pub end: Duration,
    /// The status answered (or that would have been answered).
    pub status: u16,
}

/// What the server counts, shared by the handlers and [`FakeServer`].
struct Shared {
    script: Script,
    epoch: Instant,
    host_names: Vec<String>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    host_in_flight: Vec<AtomicUsize>,
    host_peak: Vec<AtomicUsize>,
    state: Mutex<Counters>,
}

/// The counters that change together, under one lock.
#[derive(Default)]
struct Counters {
    /// Bumped by every reset: requests that started before it are not
    /// recorded as events when they end.
    generation: u64,
    /// The start order of the next request.
    next_seq: u64,
    requests: usize,
    per_path: BTreeMap<String, usize>,
    per_host: Vec<usize>,
    rate_limited: usize,
    /// Start instants of accepted requests still inside the window, oldest
    /// first.
    window: VecDeque<Instant>,
    /// Start times (since the epoch) of all accepted requests since the last
    /// reset, in order.
    accepted: Vec<Duration>,
    /// Finished requests, with their start order.
    events: Vec<(u64, Event)>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Counters> {
        // A panic while holding the lock cannot leave the counters
        // half-updated in a way that matters more than losing them would.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What one listener's handlers know: the shared counters and which host
/// they serve.
#[derive(Clone)]
struct HostCtx {
    shared: Arc<Shared>,
    host: usize,
}

/// Marks one request in flight; ending it (or dropping it, if hyper drops the
/// handler because the client went away) takes it out of the gauges and
/// records its event.
struct InFlight {
    shared: Arc<Shared>,
    host: usize,
    path: String,
    seq: u64,
    generation: u64,
    start: Duration,
    status: u16,
}

impl InFlight {
    /// Count a request in: gauges first, so the peak covers every request
    /// being handled.
    fn enter(shared: &Arc<Shared>, host: usize) {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.peak.fetch_max(now, Ordering::SeqCst);
        let now = shared.host_in_flight[host].fetch_add(1, Ordering::SeqCst) + 1;
        shared.host_peak[host].fetch_max(now, Ordering::SeqCst);
    }

    /// The response is ready with `status`.
    fn finish(mut self, status: u16) {
        self.status = status;
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let end = self.shared.epoch.elapsed();
        {
            let mut st = self.shared.lock();
            if st.generation == self.generation {
                let event = Event {
                    path: std::mem::take(&mut self.path),
                    host: self.shared.host_names[self.host].clone(),
                    start: self.start,
                    end,
                    status: self.status,
                };
                st.events.push((self.seq, event));
            }
        }
        self.shared.host_in_flight[self.host].fetch_sub(1, Ordering::SeqCst);
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The verdict of the rate limit on one request.
enum Admission {
    Accepted,
    /// Rejected; a slot frees after this long.
    Limited(Duration),
}

/// Every request of every host lands here.
async fn handle(State(ctx): State<HostCtx>, req: Request) -> Response {
    let shared = &ctx.shared;
    let path = req.uri().path().to_owned();
    drop(req);
    InFlight::enter(shared, ctx.host);

    let (mut guard, admission) = {
        let mut st = shared.lock();
        // Taken under the lock, so the accepted starts are in order.
        let now = Instant::now();
        let start = now.saturating_duration_since(shared.epoch);
        st.requests += 1;
        *st.per_path.entry(path.clone()).or_insert(0) += 1;
        st.per_host[ctx.host] += 1;
        let admission = match shared.script.rate_limit {
            None => Admission::Accepted,
            Some(limit) => admit(&mut st, limit, now, start),
        };
        if matches!(admission, Admission::Limited(_)) {
            st.rate_limited += 1;
        }
        let seq = st.next_seq;
        st.next_seq += 1;
        let guard = InFlight {
            shared: Arc::clone(shared),
            host: ctx.host,
            path: path.clone(),
            seq,
            generation: st.generation,
            start,
            status: 0,
        };
        (guard, admission)
    };

    let response = match admission {
        Admission::Limited(wait) => too_many_requests(wait),
        Admission::Accepted => {
            let behavior = shared.script.behavior_for(&path);
            let status =
                StatusCode::from_u16(behavior.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            // Recorded if the client goes away during the latency.
            guard.status = status.as_u16();
            if !behavior.latency.is_zero() {
                tokio::time::sleep(behavior.latency).await;
            }
            let body = behavior.body.unwrap_or_else(|| body_for(&path));
            (status, body).into_response()
        }
    };
    guard.finish(response.status().as_u16());
    response
}

/// Decide on a request starting at `now` under `limit`, recording it if
/// accepted.
fn admit(st: &mut Counters, limit: RateLimit, now: Instant, start: Duration) -> Admission {
    while let Some(&oldest) = st.window.front() {
        if now.saturating_duration_since(oldest) >= limit.window {
            st.window.pop_front();
        } else {
            break;
        }
    }
    if st.window.len() < limit.max {
        st.window.push_back(now);
        st.accepted.push(start);
        return Admission::Accepted;
    }
    // A slot frees when enough of the oldest starts have left the window:
    // with `max` slots, the one at `len - max` is the last that must leave.
    let wait = match st.window.len().checked_sub(limit.max) {
        Some(i) if limit.max > 0 => {
            let leaves = st.window[i] + limit.window;
            leaves.saturating_duration_since(now)
        }
        // `max == 0`: nothing is ever accepted; tell the client a window.
        _ => limit.window,
    };
    Admission::Limited(wait)
}

/// The immediate `429` answer, telling when a slot frees.
fn too_many_requests(wait: Duration) -> Response {
    let secs = ceil_units(wait, Duration::from_secs(1));
    let millis = ceil_units(wait, Duration::from_millis(1));
    let mut response = (StatusCode::TOO_MANY_REQUESTS, "kata: rate limited").into_response();
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    headers.insert("x-retry-after-ms", HeaderValue::from(millis));
    response
}

/// `d` in whole `unit`s, rounded up, and at least 1.
fn ceil_units(d: Duration, unit: Duration) -> u64 {
    let units = d.as_nanos().div_ceil(unit.as_nanos()).max(1);
    u64::try_from(units).unwrap_or(u64::MAX)
}

/// `path` with a leading `/`.
fn normalize_path(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

/// Bind one listener on `127.0.0.1`, random port, with a deep backlog.
fn bind_loopback() -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    socket.listen(LISTEN_BACKLOG)
}

/// What the server thread hands back once it listens.
type Ready = io::Result<(Arc<Shared>, Vec<SocketAddr>)>;

/// The body of the server thread: build the runtime, bind, report, serve
/// until told to stop, then tear everything down.
fn run_server(
    script: Script,
    epoch: Instant,
    ready: mpsc::Sender<Ready>,
    shutdown: watch::Receiver<bool>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("kata-fakes-worker")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    runtime.block_on(async move {
        let hosts = script.hosts.max(1);
        let mut listeners = Vec::with_capacity(hosts);
        let mut addrs = Vec::with_capacity(hosts);
        for _ in 0..hosts {
            match bind_loopback().and_then(|l| Ok((l.local_addr()?, l))) {
                Ok((addr, listener)) => {
                    addrs.push(addr);
                    listeners.push(listener);
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            }
        }
        let shared = Arc::new(Shared {
            script,
            epoch,
            host_names: addrs.iter().map(ToString::to_string).collect(),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            host_in_flight: (0..hosts).map(|_| AtomicUsize::new(0)).collect(),
            host_peak: (0..hosts).map(|_| AtomicUsize::new(0)).collect(),
            state: Mutex::new(Counters {
                per_host: vec![0; hosts],
                ..Counters::default()
            }),
        });

        let mut servers = JoinSet::new();
        for (host, listener) in listeners.into_iter().enumerate() {
            let router = Router::new().fallback(handle).with_state(HostCtx {
                shared: Arc::clone(&shared),
                host,
            });
            let listener = listener.tap_io(|tcp: &mut TcpStream| {
                // Small answers must not wait on Nagle + delayed ACKs.
                let _ = tcp.set_nodelay(true);
            });
            let mut stop = shutdown.clone();
            let signal = async move {
                // An error means the FakeServer is gone: stop as well.
                let _ = stop.wait_for(|&stop| stop).await;
            };
            servers.spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(signal)
                    .await;
            });
        }

        if ready.send(Ok((shared, addrs))).is_err() {
            return;
        }
        let mut stop = shutdown;
        let _ = stop.wait_for(|&stop| stop).await;
        // Listeners close at once; requests being handled get a grace period.
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while servers.join_next().await.is_some() {}
        })
        .await;
    });
    // Whatever is still running is cancelled and its connections closed.
    runtime.shutdown_timeout(Duration::from_millis(100));
}

/// A running fake server. Dropping it shuts the server down (listeners
/// closed, requests still being handled given a short grace) and joins its
/// thread.
pub struct FakeServer {
    shared: Arc<Shared>,
    addrs: Vec<SocketAddr>,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addrs", &self.addrs)
            .field("script", &self.shared.script)
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// Start serving `script` on its own thread and tokio runtime; returns
    /// once every host's listener is bound to `127.0.0.1` (random port) and
    /// listening.
    ///
    /// # Errors
    /// Binding a listener, building the runtime or spawning the thread
    /// failed.
    pub fn start(script: Script) -> io::Result<FakeServer> {
        let epoch = Instant::now();
        let (ready_tx, ready_rx) = mpsc::channel();
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let thread = std::thread::Builder::new()
            .name("kata-fakes-server".into())
            .spawn(move || run_server(script, epoch, ready_tx, shutdown_rx))?;
        match ready_rx.recv() {
            Ok(Ok((shared, addrs))) => Ok(FakeServer {
                shared,
                addrs,
                shutdown: shutdown_tx,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other(
                    "kata-fakes: the server thread ended before listening",
                ))
            }
        }
    }

    /// `http://127.0.0.1:PORT{path}` on host 0. A `path` without a leading
    /// `/` gets one.
    pub fn url(&self, path: &str) -> String {
        self.url_on(0, path)
    }

    /// `http://127.0.0.1:PORT{path}` on host `host`. A `path` without a
    /// leading `/` gets one.
    ///
    /// # Panics
    /// `host` is not below the script's [`Script::hosts`].
    pub fn url_on(&self, host: usize, path: &str) -> String {
        format!("http://{}{}", self.host_name(host), normalize_path(path))
    }

    /// `127.0.0.1:PORT` of host `host`, as it appears in `Host` headers and
    /// as the keys of [`Stats::per_host`] and [`Event::host`].
    ///
    /// # Panics
    /// `host` is not below the script's [`Script::hosts`].
    pub fn host_name(&self, host: usize) -> String {
        match self.shared.host_names.get(host) {
            Some(name) => name.clone(),
            None => panic!(
                "kata-fakes: host {host} does not exist (the script has {} hosts)",
                self.shared.host_names.len()
            ),
        }
    }

    /// How many hosts the server listens as.
    pub fn host_count(&self) -> usize {
        self.addrs.len()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let shared = &self.shared;
        let st = shared.lock();
        let max_in_window = match shared.script.rate_limit {
            Some(limit) => {
                let mut starts = st.accepted.clone();
                starts.sort_unstable();
                max_in_window(&starts, limit.window)
            }
            None => 0,
        };
        let per_host = shared
            .host_names
            .iter()
            .zip(&st.per_host)
            .map(|(name, &n)| (name.clone(), n))
            .collect();
        let peak_per_host = shared
            .host_names
            .iter()
            .zip(&shared.host_peak)
            .map(|(name, peak)| (name.clone(), peak.load(Ordering::SeqCst)))
            .collect();
        Stats {
            requests: st.requests,
            peak_in_flight: shared.peak.load(Ordering::SeqCst),
            per_path: st.per_path.clone(),
            per_host,
            peak_per_host,
            rate_limited: st.rate_limited,
            max_in_window,
        }
    }

    /// Every request that has finished since the start or the last reset, in
    /// the order the requests started. A request still being handled is not
    /// in it yet.
    pub fn events(&self) -> Vec<Event> {
        let mut events = self.shared.lock().events.clone();
        events.sort_by_key(|(seq, _)| *seq);
        events.into_iter().map(|(_, event)| event).collect()
    }

    /// Zero all counters, events and the rate limit's memory, between phases
    /// of one check. Requests still being handled stay in the in-flight
    /// gauges (so the next peak counts them if they overlap new ones) but are
    /// not recorded as events when they end.
    pub fn reset(&self) {
        let shared = &self.shared;
        let mut st = shared.lock();
        let hosts = st.per_host.len();
        *st = Counters {
            generation: st.generation + 1,
            per_host: vec![0; hosts],
            ..Counters::default()
        };
        shared.peak.store(0, Ordering::SeqCst);
        for peak in &shared.host_peak {
            peak.store(0, Ordering::SeqCst);
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // An error means the server thread is already gone.
        let _ = self.shutdown.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn ceil_units_rounds_up_and_is_at_least_one() {
        let s = Duration::from_secs(1);
        assert_eq!(ceil_units(Duration::ZERO, s), 1);
        assert_eq!(ceil_units(ms(1), s), 1);
        assert_eq!(ceil_units(ms(1000), s), 1);
        assert_eq!(ceil_units(ms(1001), s), 2);
        assert_eq!(ceil_units(Duration::from_nanos(1_000_001), ms(1)), 2);
    }

    #[test]
    fn admit_slides_and_says_when_a_slot_frees() {
        let limit = RateLimit {
            max: 2,
            window: ms(1000),
        };
        let t0 = Instant::now();
        let mut st = Counters::default();
        assert!(matches!(
            admit(&mut st, limit, t0, ms(0)),
            Admission::Accepted
        ));
        let t1 = t0 + ms(300);
        assert!(matches!(
            admit(&mut st, limit, t1, ms(300)),
            Admission::Accepted
        ));
        match admit(&mut st, limit, t0 + ms(400), ms(400)) {
            Admission::Limited(wait) => assert_eq!(wait, ms(600)),
            Admission::Accepted => panic!("a third start within the window was accepted"),
        }
        // The first start leaves the window at exactly t0 + window.
        let t3 = t0 + ms(1000);
        assert!(matches!(
            admit(&mut st, limit, t3, ms(1000)),
            Admission::Accepted
        ));
        match admit(&mut st, limit, t3, ms(1000)) {
            Admission::Limited(wait) => assert_eq!(wait, ms(300)),
            Admission::Accepted => panic!("a third start within the window was accepted"),
        }
        assert_eq!(st.accepted, vec![ms(0), ms(300), ms(1000)]);
        assert_eq!(max_in_window(&st.accepted, limit.window), 2);

        let never = RateLimit {
            max: 0,
            window: ms(250),
        };
        match admit(&mut Counters::default(), never, t0, ms(0)) {
            Admission::Limited(wait) => assert_eq!(wait, ms(250)),
            Admission::Accepted => panic!("max 0 accepted a request"),
        }
    }

    #[test]
    fn script_routes_override_the_default() {
        let script = Script::new()
            .latency(ms(50))
            .route("slow", Behavior::ok().latency(ms(900)))
            .route("/x", Behavior::status(500).body("boom"));
        assert_eq!(script.behavior_for("/slow").latency, ms(900));
        assert_eq!(script.behavior_for("/x").status, 500);
        assert_eq!(script.behavior_for("/x").body.as_deref(), Some("boom"));
        assert_eq!(
            script.behavior_for("/other"),
            Behavior::ok().latency(ms(50))
        );
        assert_eq!(Script::new().hosts(0).hosts, 1);
    }
}
