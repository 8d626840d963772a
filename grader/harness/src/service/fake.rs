//! The in-process transport of the fake service: learner code calls it
//! through whatever trait or closure its exercise defines, on the runtime's
//! clock. On a paused clock its latencies cost no real time, and what it
//! counts is exact.

use super::meter::{Call, Meter, Stats};
use super::script::Script;
use std::future::Future;
use tokio::time::Instant;

/// One answer of a [`FakeService`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// Lowercase names: `retry-after`, `x-retry-after-ms` on a `429`.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The fake service in process. Cloning shares its meter.
///
/// Make it inside the runtime (in the closure given to
/// [`run_paused`](super::run_paused)): its times count from its making, on
/// that runtime's clock.
#[derive(Clone, Debug)]
pub struct FakeService {
    meter: Meter,
}

impl FakeService {
    /// Starts counting now, on the current runtime's clock.
    pub fn new(script: Script) -> FakeService {
        FakeService { meter: Meter::new(script, Instant::now()) }
    }

    /// One call to `path` on `host`. Nothing happens until the future is
    /// first polled (that is when the call arrives, as a request leaves when
    /// it is sent); then it waits its latency on the runtime's clock and
    /// answers. Dropped before that, it ends as abandoned.
    pub fn call(&self, host: &str, path: &str) -> impl Future<Output = Reply> + Send + 'static {
        let meter = self.meter.clone();
        let (host, path) = (host.to_owned(), path.to_owned());
        async move {
            let (visit, answer) = meter.arrive(&host, &path);
            if !answer.latency.is_zero() {
                tokio::time::sleep(answer.latency).await;
            }
            visit.answered(answer.status);
            Reply { status: answer.status, headers: answer.headers, body: answer.body }
        }
    }

    /// A call of `url` (`http://host/path?query`): host and path split as
    /// a server would see them.
    pub fn get(&self, url: &str) -> impl Future<Output = Reply> + Send + 'static {
        let (host, path) = split_url(url);
        self.call(host, path)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.meter.stats()
    }

    /// Every ended call, in the order they arrived.
    pub fn calls(&self) -> Vec<Call> {
        self.meter.calls()
    }
}

/// `http://api.test:81/x?y` → (`api.test:81`, `/x`): the host (port
/// included) and the path, without the query.
pub fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, "/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(split_url("http://a.test:81/x?y"), ("a.test:81", "/x"));
        assert_eq!(split_url("http://a.test"), ("a.test", "/"));
        assert_eq!(split_url("b.test/p/q#f"), ("b.test", "/p/q"));
    }
}
