//! # ex14 · Thread-pool downloader ★ — reference solution
//!
//! A pool of `W` scoped threads, one shared `ureq::Agent`, and a shared
//! atomic counter handing out URL indices. Each worker keeps the index with
//! every result, so the results can be put back in input order at the end.
//!
//! Why threads at all: a download is almost all waiting (for the connection,
//! for the server to answer). A blocked thread costs no CPU, so `W` threads
//! overlap `W` waits, and `N` downloads of latency `L` take about
//! `ceil(N / W) * L` instead of `N * L`.
//!
//! Why exactly `W` and not one thread per URL: the caller chose `W` to bound
//! the load on the server (and on our own sockets and memory). A thread per
//! URL would open `N` connections at once; with 10,000 URLs that is 10,000
//! threads and a server that sees a flood.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
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
    assert!(workers > 0, "download_all needs at least one worker");

    // One agent for all threads: `Agent` is `Send + Sync` and keeps a pool of
    // idle connections, so a worker's next request to the same host can
    // reuse a connection instead of opening a new one. Its configuration:
    // - `proxy(None)`: never route through a proxy taken from the
    //   environment (`http_proxy`), which would sit between us and the server;
    // - `timeout_global`: the whole of one request (connect, send, wait for
    //   the answer, read the body) may take at most `timeout`. It is per
    //   request, not per `download_all`: every call starts its own clock.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into();

    // The work queue is just "the next index nobody has taken yet". Handing
    // out one URL at a time, rather than splitting `urls` into `W` fixed
    // chunks up front, matters when latencies differ: with chunks, a worker
    // whose chunk holds the slow URLs is still busy while the others sit
    // idle with nothing left to take. With a shared counter every worker
    // takes the next URL as soon as it is free, so all `W` stay busy until
    // the last URL has been taken.
    //
    // Ordering: `Relaxed` is enough. `fetch_add` is a single atomic
    // read-modify-write, so no two workers can ever get the same index
    // whatever the ordering; the counter publishes no other data (the URLs
    // are borrowed read-only, and the results travel back through `join`,
    // which synchronises on its own).
    let next = AtomicUsize::new(0);

    // No point starting more threads than there are URLs; with `N >= W`
    // this is exactly `W` threads, so at most `W` requests are ever in flight.
    let threads = workers.min(urls.len());

    // Scoped threads may borrow `urls`, `agent` and `next` from this stack
    // frame: the scope joins every thread before it returns.
    let finished: Vec<(usize, Result<String, DownloadError>)> = thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(url) = urls.get(i) else {
                            break; // every URL has been taken
                        };
                        // The index travels with the result: the order in
                        // which downloads *finish* says nothing about the
                        // URL they belong to.
                        mine.push((i, fetch(&agent, url)));
                    }
                    mine
                })
            })
            .collect();
        // Spawn all, then join all: joining inside the loop above would run
        // the workers one after another.
        let mut finished = Vec::with_capacity(urls.len());
        for handle in handles {
            match handle.join() {
                Ok(mine) => finished.extend(mine),
                // `fetch` never panics on a bad URL (errors are values), so a
                // panic here is a bug: pass it on to the caller.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        finished
    });

    // Restore input order: put each result in the slot of its index. Every
    // index below `urls.len()` was taken by exactly one worker, so every slot
    // is filled exactly once.
    let mut slots: Vec<Option<Result<String, DownloadError>>> =
        std::iter::repeat_with(|| None).take(urls.len()).collect();
    for (i, result) in finished {
        slots[i] = Some(result);
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every index is taken by exactly one worker"))
        .collect()
}

/// Downloads one URL. Every failure is returned as a value, never a panic,
/// so that one bad URL cannot take the other downloads down with it.
fn fetch(agent: &ureq::Agent, url: &str) -> Result<String, DownloadError> {
    // With ureq's default `http_status_as_error(true)`, a 4xx/5xx answer
    // comes back as `Err(ureq::Error::StatusCode(code))` from `call`.
    let mut response = agent.get(url).call().map_err(to_download_error)?;
    // The body is read under the same global timeout as the rest of the
    // request (and ureq caps it at 10 MB).
    response
        .body_mut()
        .read_to_string()
        .map_err(to_download_error)
}

/// Maps ureq's error onto ours: the caller can tell a server's "no" (a
/// status) from a server that never answered in time (a timeout) from
/// everything else.
fn to_download_error(error: ureq::Error) -> DownloadError {
    match error {
        ureq::Error::StatusCode(code) => DownloadError::Status(code),
        ureq::Error::Timeout(_) => DownloadError::Timeout,
        // A timeout that fires inside a socket read can surface as a plain
        // I/O error instead: `TimedOut`, or `WouldBlock` (what a read with
        // a socket timeout returns on some platforms).
        ureq::Error::Io(e)
            if matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ) =>
        {
            DownloadError::Timeout
        }
        other => DownloadError::Other(other.to_string()),
    }
}
