//! # ex14 · Thread-pool downloader ★
//!
//! Goal: write `download_all(urls, workers, timeout)`, which downloads every
//! URL with a blocking HTTP client on exactly `workers` threads and returns
//! one result per URL, in the order of `urls`.
//!
//! A download spends nearly all its time waiting for the network, so `W`
//! threads can have `W` downloads waiting at once: `N` URLs that each take
//! `L` to answer need about `ceil(N / W) * L` instead of `N * L`. This is what
//! Python's `ThreadPoolExecutor` is used for (threads that wait release the
//! GIL); Rust has no GIL, and you build the pool yourself from scoped threads.
//!
//! The client is `ureq` 3 (blocking, plain HTTP). Make one `ureq::Agent` and
//! share it between your threads: `Agent::config_builder()` gives a builder
//! on which `.proxy(None)` and `.timeout_global(Some(timeout))` set what you
//! need, and `.build().into()` turns it into an `Agent`. A 4xx or 5xx answer
//! comes back as `ureq::Error::StatusCode(code)`, a request that ran out of
//! time as `ureq::Error::Timeout(_)` (or, while reading, as an I/O error of
//! kind `TimedOut`).
//!
//! What `kata check ex14` verifies, against a real HTTP server on 127.0.0.1
//! that it starts, scripts (latency, status per path) and counts from its
//! own side:
//! - result `i` is the body of `urls[i]`, however the downloads finish;
//! - a failing URL gives its own error (`Status(code)`) and every other URL
//!   still succeeds; each URL is requested exactly once;
//! - a URL slower than `timeout` ends as `Err(Timeout)` and does not hold up
//!   the call;
//! - the server sees exactly `workers` requests in flight at its peak: not
//!   more (a thread per URL is not a pool), not fewer (workers taking turns);
//!   and, on Linux, the call never has a thread per URL alive at once
//!   (a thread per URL behind a semaphore is not a pool either);
//! - 20 URLs on 5 workers, five slow ones (300 ms) among fast ones (25 ms),
//!   finish within 1.5 × the ideal + 100 ms, the ideal being the time of
//!   workers that each take the next URL as soon as they are free; you are
//!   shown the speed-up you got.
//!
//! What it cannot see: how many threads you started on other systems than
//! Linux, or whether you made one agent or one per thread (one shared agent
//! can reuse connections; both pass).
//!
//! Read: book/src/exercises/ex14-thread-pool-downloader.md
//! Check: cargo kata check ex14

use std::fmt;
use std::time::Duration;

/// Why one URL could not be downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadError {
    /// The server answered with this 4xx or 5xx status code.
    Status(u16),
    /// The request did not complete within the per-request timeout.
    Timeout,
    /// Anything else (connection refused, a bad URL, a broken body), with a
    /// description.
    Other(String),
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::Status(code) => write!(f, "the server answered {code}"),
            DownloadError::Timeout => write!(f, "the request timed out"),
            DownloadError::Other(why) => write!(f, "the download failed: {why}"),
        }
    }
}

impl std::error::Error for DownloadError {}

/// Downloads every URL in `urls` with a blocking GET, using `workers`
/// threads at once, and returns the body of each (or why it failed) in the
/// order of `urls`: result `i` belongs to `urls[i]`.
///
/// Each request may take at most `timeout`; a slower one gives
/// `Err(DownloadError::Timeout)`. A failed URL never stops the others.
///
/// # Panics
/// If `workers` is zero.
pub fn download_all(
    urls: &[String],
    workers: usize,
    timeout: Duration,
) -> Vec<Result<String, DownloadError>> {
    // TODO: build one `ureq::Agent` with no proxy and a per-request timeout
    // of `timeout`, and share it.
    // TODO: start `workers` threads that keep taking the next URL that no
    // thread has taken yet, until none is left (a shared counter or a
    // channel of indices), so that a slow URL never leaves a thread idle.
    // TODO: turn each ureq error into a `DownloadError` (status code,
    // timeout, anything else) and put every result back at its URL's index.
    let _ = (urls, workers, timeout);
    todo!()
}
