//! The HTTP transport of the fake service: a scripted server that the
//! hidden checks run in-process and point learner code at, over real
//! sockets on 127.0.0.1.
//!
//! What it answers and what it counts are the fake service's
//! (`kata_harness::service`): a [`Script`] of [`Route`]s, and a meter that
//! records every request's arrival and end, the peak in flight overall and
//! per host, and answers `429` past the script's rate limit. This crate only
//! carries them over HTTP: [`FakeServer::start`] serves a script on its own
//! OS thread with its own tokio runtime, one random port per host.
//!
//! ```no_run
//! use std::time::Duration;
//! use kata_fakes::{FakeServer, Route, Script};
//!
//! let server = FakeServer::start(
//!     Script::new()
//!         .latency(Duration::from_millis(50))
//!         .route("/broken", Route::status(500)),
//! )?;
//! let url = server.url("/page/1");
//! // ... run the learner's code against `url` ...
//! let stats = server.stats();
//! assert!(stats.peak_in_flight <= 4);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use kata_harness::service::{normalize_path, Meter};
use kata_harness::{fail, Outcome};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

pub use kata_harness::service::{body_for, Call, Route, Script, Stats};

/// The names this crate had before the fake service was one (ex28's checks
/// still use them): [`Route`] and [`Call`]. To be removed once they move.
pub type Behavior = Route;
/// See [`Behavior`].
pub type Event = Call;

/// How long [`FakeServer`]'s `Drop` lets requests still being handled finish
/// before the runtime is torn down (which closes their connections).
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// The listen backlog of every listener: far above the 64 concurrent
/// connections the checks may open at once.
const LISTEN_BACKLOG: u32 = 1024;

/// What one listener's handlers know: the meter and which host they serve.
#[derive(Clone)]
struct HostCtx {
    meter: Meter,
    host: String,
    /// Every host's `127.0.0.1:PORT`, in order: what `{host:N}` in a body
    /// becomes.
    hosts: std::sync::Arc<[String]>,
}

/// `body` with every `{host:N}` replaced by `hosts[N]` (`127.0.0.1:PORT` of
/// host `N`), so that a scripted body can link to the server's own hosts,
/// whose ports are only known once it listens (a link graph:
/// `http://{host:1}/away`). Other text, and `{host:N}` of a host that does
/// not exist, is left as it is.
pub fn fill_hosts(body: &str, hosts: &[String]) -> String {
    if !body.contains("{host:") {
        return body.to_owned();
    }
    hosts
        .iter()
        .enumerate()
        .fold(body.to_owned(), |body, (n, name)| body.replace(&format!("{{host:{n}}}"), name))
}

/// Every request of every host lands here.
async fn handle(State(ctx): State<HostCtx>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    drop(req);
    let (visit, answer) = ctx.meter.arrive(&ctx.host, &path);
    // If the client goes away meanwhile, hyper drops this future and the
    // visit ends as abandoned.
    if !answer.latency.is_zero() {
        tokio::time::sleep(answer.latency).await;
    }
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, fill_hosts(&answer.body, &ctx.hosts)).into_response();
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    visit.answered(status.as_u16());
    response
}

/// Bind one listener on `127.0.0.1`, random port, with a deep backlog.
fn bind_loopback() -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    socket.listen(LISTEN_BACKLOG)
}

/// What the server thread hands back once it listens.
type Ready = io::Result<(Meter, Vec<SocketAddr>)>;

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
        let mut listeners = Vec::with_capacity(script.host_count());
        for _ in 0..script.host_count() {
            match bind_loopback().and_then(|l| Ok((l.local_addr()?, l))) {
                Ok(bound) => listeners.push(bound),
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            }
        }
        let addrs: Vec<SocketAddr> = listeners.iter().map(|(addr, _)| *addr).collect();
        let meter = Meter::new(script, tokio::time::Instant::from_std(epoch))
            .with_hosts(addrs.iter().map(ToString::to_string));
        let hosts: std::sync::Arc<[String]> = addrs.iter().map(ToString::to_string).collect();
        let mut servers = JoinSet::new();
        for (addr, listener) in listeners {
            let ctx =
                HostCtx { meter: meter.clone(), host: addr.to_string(), hosts: hosts.clone() };
            let router = Router::new().fallback(handle).with_state(ctx);
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
                let _ = axum::serve(listener, router).with_graceful_shutdown(signal).await;
            });
        }
        if ready.send(Ok((meter, addrs))).is_err() {
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
    meter: Meter,
    addrs: Vec<SocketAddr>,
    epoch: Instant,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addrs", &self.addrs)
            .field("script", self.meter.script())
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// Start serving `script` on its own thread and tokio runtime; returns
    /// once every host's listener is bound to `127.0.0.1` (random port) and
    /// listening. Its times ([`Call::start`], [`Call::end`]) count from this
    /// call.
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
            Ok(Ok((meter, addrs))) => {
                Ok(FakeServer { meter, addrs, epoch, shutdown: shutdown_tx, thread: Some(thread) })
            }
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other("kata-fakes: the server thread ended before listening"))
            }
        }
    }

    /// [`FakeServer::start`] for a check: a server that would not start is
    /// the check's failure, said so.
    ///
    /// # Errors
    /// The server could not start.
    pub fn for_check(script: Script) -> Result<FakeServer, Outcome> {
        FakeServer::start(script)
            .map_err(|e| fail(format!("the check could not start its HTTP server: {e}")))
    }

    /// `http://127.0.0.1:PORT{path}` on host 0. A `path` without a leading
    /// `/` gets one.
    pub fn url(&self, path: &str) -> String {
        self.url_on(0, path)
    }

    /// `http://127.0.0.1:PORT{path}` on host `host`.
    ///
    /// # Panics
    /// `host` is not below the script's [`Script::hosts`].
    pub fn url_on(&self, host: usize, path: &str) -> String {
        format!("http://{}{}", self.host_name(host), normalize_path(path))
    }

    /// `127.0.0.1:PORT` of host `host`, as it appears in `Host` headers and
    /// as the keys of [`Stats::per_host`] and [`Call::host`].
    ///
    /// # Panics
    /// `host` is not below the script's [`Script::hosts`].
    pub fn host_name(&self, host: usize) -> String {
        match self.addrs.get(host) {
            Some(addr) => addr.to_string(),
            None => panic!(
                "kata-fakes: host {host} does not exist (the script has {} hosts)",
                self.addrs.len()
            ),
        }
    }

    /// How many hosts the server listens as.
    pub fn host_count(&self) -> usize {
        self.addrs.len()
    }

    /// When the server's clock started (its times count from here).
    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.meter.stats()
    }

    /// Every request that has finished since the start or the last reset, in
    /// the order they arrived. A request still being handled is not in it
    /// yet.
    pub fn events(&self) -> Vec<Call> {
        self.meter.calls()
    }

    /// Zero all counters, calls and the rate limit's memory, between phases
    /// of one check (see [`Meter::reset`]).
    pub fn reset(&self) {
        self.meter.reset();
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
