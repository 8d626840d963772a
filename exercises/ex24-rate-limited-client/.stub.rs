//! # ex24 · Rate-limited client ★
//!
//! Goal: write a `Client` that fetches many URLs at once while keeping four
//! promises to the servers it talks to:
//! - at most `concurrency` requests in flight at once, over all hosts;
//! - at most `per_host` in flight at once to any one host;
//! - at most `rate` requests *started* within any `window` (a sliding
//!   window: any interval of that length, not windows fixed on the clock);
//! - a `429 Too Many Requests` answer is retried, but only after waiting as
//!   long as the server said (`Retry-After`, in whole seconds; the grader's
//!   server also sends `x-retry-after-ms`, exact; use either), at most
//!   `max_retries` times.
//!
//! Python's notes do this with `asyncio.Semaphore(5)` around each call and
//! `asyncio.gather` over all of them. A semaphore is only the first promise:
//! it bounds how many requests run at once, not how many start per second.
//!
//! The client's logic talks to a [`Transport`], a trait with one method: send
//! one GET, give back the answer. The checks run your `Client` twice: over an
//! in-process fake transport on tokio's *paused* clock (exact virtual times,
//! exact counts), and over your [`HttpTransport`] (reqwest) against a real
//! HTTP server on 127.0.0.1. So: take every clock reading and every wait from
//! tokio (`tokio::time::Instant`, `tokio::time::sleep`), never from std.
//!
//! What `kata check ex24` verifies, counted on the fake's or the server's
//! side, never from what your code reports:
//! - results come back in the order of the URLs; a 404 or 500 gives its own
//!   `Err(Status(code))` and is not retried; each URL is requested once;
//! - paused clock: the fake never sees more than `concurrency` requests in
//!   flight, more than `per_host` per host, or more than `rate` starts
//!   within any `window`; and the whole takes at most 1.05 × the ideal time
//!   (the best any client could do under those limits), with a slow request
//!   among fast ones, and with requests arriving in bursts;
//! - paused clock: after a 429 the retry waits at least what the server said
//!   (and not much more); after `max_retries` retries the URL gives
//!   `Err(RateLimited { attempts })`; and every retry keeps every limit;
//! - paused clock: two `get_all` at once on one `Client` share its limits;
//! - the notes' experiment: 50 calls of 500 ms with at most 1, 5 and 10 in
//!   flight, with the time, mean latency and peak in flight of each;
//! - real HTTP (your `HttpTransport`, which the check wraps to see when each
//!   request leaves), 3 hosts, a server that answers 429 past `rate + 1`
//!   arrivals per window: the caps held (server-side), your departures
//!   within the rate, no 429, and at most 1.3 × the ideal time + 150 ms;
//!   and a server stricter than your limits, whose 429s must be honoured;
//! - your crate uses nothing that blocks the runtime's thread
//!   (`std::thread::sleep`, ...): clippy with grader/lints/async/clippy.toml.
//!
//! What it cannot see: how you queue the waiting requests (semaphores, a
//! channel, a lock), whether a request waiting for its retry holds a slot,
//! or what you do with a redirect.
//!
//! Read: book/src/exercises/ex24-rate-limited-client.md
//! Check: cargo kata check ex24

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// One answer, whichever transport brought it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The headers, names in lowercase (`retry-after`, `x-retry-after-ms`).
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The value of header `name` (any case), if the answer has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A request that got no answer at all: connection refused, a bad URL, a
/// body cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError(pub String);

/// Sends one GET and gives back the answer, whatever its status. The
/// `Client` reaches the network only through this, so that the same logic
/// runs over a fake in the checks and over HTTP for real.
///
/// Implement it with `async fn get(&self, url: &str) -> Result<..>`.
pub trait Transport {
    fn get(&self, url: &str) -> impl Future<Output = Result<Response, TransportError>> + Send;
}

/// The promises a `Client` keeps. Every limit is at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// At most this many requests in flight at once, over all hosts. A
    /// request is in flight from the moment it is handed to the transport
    /// until its answer is back.
    pub concurrency: usize,
    /// At most this many in flight at once to any one host ([`host_of`]).
    pub per_host: usize,
    /// At most `rate` requests may start within any interval of length
    /// `window`. A retry is a request and counts.
    pub rate: usize,
    pub window: Duration,
    /// How many times one URL answered 429 is tried again before giving up.
    pub max_retries: u32,
}

/// Why one URL gave no body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The server answered this status (not 2xx, not a 429 still being
    /// retried). Not retried.
    Status(u16),
    /// Still 429 after `max_retries` retries: `attempts` requests in all.
    RateLimited { attempts: u32 },
    /// No answer at all. Not retried.
    Transport(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Status(code) => write!(f, "the server answered {code}"),
            ClientError::RateLimited { attempts } => {
                write!(f, "still rate limited after {attempts} attempts")
            }
            ClientError::Transport(why) => write!(f, "no answer: {why}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// The host of `url`, port included: `127.0.0.1:8001` and `127.0.0.1:8002`
/// are two hosts. `http://a.test:81/x?y` gives `a.test:81`.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// How long a 429 answer asks the client to wait: `x-retry-after-ms`
/// (milliseconds) or `Retry-After` (whole seconds), `None` if it says
/// neither.
pub fn retry_after(response: &Response) -> Option<Duration> {
    // TODO: read the headers (`response.header(..)`) and parse the number.
    let _ = response;
    todo!()
}

/// A client that keeps its [`Limits`] over every request made through it,
/// however many callers use it at once (it is shared by `&`).
pub struct Client<T> {
    transport: T,
    limits: Limits,
    // TODO: the shared state your limits need: something that bounds the
    // requests in flight, one such thing per host, and the start times of
    // the recent requests. Shared by `&self`, so it needs to be safe to use
    // from several calls at once (tokio::sync has what you need).
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, limits: Limits) -> Client<T> {
        // TODO: create that state.
        Client { transport, limits }
    }

    /// GETs `url` within the limits, retrying a 429 as the server asks, and
    /// gives back the body of a 2xx answer.
    pub async fn get(&self, url: &str) -> Result<String, ClientError> {
        // TODO: wait for a slot of the host, then one of the overall cap,
        // then for the rate to allow one more start; only then send. Let go
        // of the slots as soon as the answer is back.
        // TODO: on a 429, wait what `retry_after` says (outside the slots),
        // then try again, at most `max_retries` times.
        let _ = (&self.transport, self.limits, url);
        todo!()
    }

    /// GETs every URL, all at once within the limits, and gives back one
    /// result per URL, in the order of `urls`.
    pub async fn get_all(&self, urls: &[String]) -> Vec<Result<String, ClientError>> {
        // TODO: start a `get` for every URL and wait for them together (the
        // limits live in `get`, so you need not hold anything back here).
        let _ = urls;
        todo!()
    }
}

/// The real transport: HTTP/1.1 GETs with one shared `reqwest::Client`.
pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    /// A transport that never goes through a proxy.
    ///
    /// # Panics
    /// If reqwest cannot build its client.
    pub fn new() -> HttpTransport {
        // TODO: `reqwest::Client::builder().no_proxy().build()`.
        todo!()
    }
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for HttpTransport {
    async fn get(&self, url: &str) -> Result<Response, TransportError> {
        // TODO: send the GET; turn the status, every header (as text) and
        // the body into a `Response`. Any status is an answer, 429 and 500
        // included; only a request that got no answer is a TransportError.
        let _ = (&self.client, url);
        todo!()
    }
}
