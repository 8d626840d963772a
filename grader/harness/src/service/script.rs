//! What the fake service answers: a [`Script`] of [`Route`]s, one per path,
//! and an optional sliding-window [`Rate`] that it meters every call with.
//! The same script drives both transports (the in-process
//! [`FakeService`](super::FakeService) and `kata_fakes::FakeServer`).

use std::collections::HashMap;
use std::time::Duration;

/// The body the service answers for `path` unless its route says otherwise:
/// checks compare results with it, e.g. `body_for("/a")` is
/// `"kata body for /a"`.
pub fn body_for(path: &str) -> String {
    format!("kata body for {path}")
}

/// `Ok(())` if there is one result per item: `got` of `want`, one per
/// `item` ("URL", "id"); else the failure that says so.
///
/// # Errors
/// `got` is not `want`.
pub fn one_result_each(item: &str, want: usize, got: usize) -> Result<(), crate::Outcome> {
    crate::ensure(want == got, || {
        crate::fail(format!("expected {want} results (one per {item}), got {got}"))
    })
}

/// How the service answers one path: status, latency, body, and how many
/// of the first calls it turns away with a `429` first.
///
/// The latency is waited on the transport's clock (virtual on a paused
/// runtime) before answering, so a "slow item" is a route with a large one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The status answered (over HTTP, a code outside 100..=999 is answered
    /// as 500).
    pub status: u16,
    /// How long the service waits before answering.
    pub latency: Duration,
    /// The body answered; `None` answers [`body_for`] of the path.
    pub body: Option<String>,
    /// Answer `429` at once to this many calls first.
    pub busy: usize,
    /// What those `429`s tell the caller to wait.
    pub busy_wait: Duration,
}

impl Route {
    /// `200 OK`, no latency, the default body.
    pub fn ok() -> Route {
        Route::status(200)
    }

    /// Answer `code`, no latency, the default body.
    pub fn status(code: u16) -> Route {
        Route {
            status: code,
            latency: Duration::ZERO,
            body: None,
            busy: 0,
            busy_wait: Duration::ZERO,
        }
    }

    /// Wait `d` before answering. A route's latency replaces (does not add
    /// to) the script's default [`Script::latency`].
    pub fn latency(mut self, d: Duration) -> Route {
        self.latency = d;
        self
    }

    /// Answer `s` instead of the default body. Over HTTP
    /// (`kata_fakes::FakeServer`), `{host:N}` in it is answered as host
    /// `N`'s `127.0.0.1:PORT`, so that a body can link to the server itself.
    pub fn body(mut self, s: impl Into<String>) -> Route {
        self.body = Some(s.into());
        self
    }

    /// Answer the first `times` calls `429 Too Many Requests` at once, with
    /// `Retry-After` (whole seconds, rounded up) and `x-retry-after-ms`
    /// saying `wait`; answer as scripted after that.
    pub fn busy(mut self, times: usize, wait: Duration) -> Route {
        self.busy = times;
        self.busy_wait = wait;
        self
    }
}

impl Default for Route {
    /// Same as [`Route::ok`].
    fn default() -> Self {
        Route::ok()
    }
}

/// A sliding-window rate limit: at most `max` accepted calls start within
/// any `window` (half-open: two starts exactly one window apart are not in
/// the same one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub max: usize,
    pub window: Duration,
}

/// What the service does: a default latency, routes per path, an optional
/// rate limit, and (over HTTP) how many hosts to listen as. Builder style
/// from [`Script::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    latency: Duration,
    routes: HashMap<String, Route>,
    rate: Option<Rate>,
    hosts: usize,
}

impl Script {
    /// Every path answers `200` with [`body_for`] at once; no rate limit;
    /// one host.
    pub fn new() -> Script {
        Script { latency: Duration::ZERO, routes: HashMap::new(), rate: None, hosts: 1 }
    }

    /// The latency of every path without a route of its own.
    pub fn latency(mut self, d: Duration) -> Script {
        self.latency = d;
        self
    }

    /// Answer exactly `path` (the path alone: a query string is not part of
    /// it) with `route`. A `path` without a leading `/` gets one; a later
    /// route for the same path replaces the earlier.
    pub fn route(mut self, path: &str, route: Route) -> Script {
        self.routes.insert(normalize_path(path), route);
        self
    }

    /// One route per path, e.g. a latency per item:
    /// `script.routes(paths.iter().map(|p| (p, Route::ok().latency(..))))`.
    pub fn routes<P: AsRef<str>>(self, routes: impl IntoIterator<Item = (P, Route)>) -> Script {
        routes.into_iter().fold(self, |script, (path, route)| script.route(path.as_ref(), route))
    }

    /// Meter every call (across hosts): one is answered `429` at once, with
    /// `Retry-After` (whole seconds, rounded up) and `x-retry-after-ms`
    /// (milliseconds, rounded up) saying when a slot frees, if accepting it
    /// would make more than `max` accepted calls start within a `window`.
    pub fn rate_limit(mut self, max: usize, window: Duration) -> Script {
        self.rate = Some(Rate { max, window });
        self
    }

    /// Over HTTP, listen on `n` ports, each a distinct host. `0` is taken as
    /// `1`. The in-process service takes whatever host a call names.
    pub fn hosts(mut self, n: usize) -> Script {
        self.hosts = n.max(1);
        self
    }

    /// How many hosts to listen as.
    pub fn host_count(&self) -> usize {
        self.hosts
    }

    /// The rate limit, if any.
    pub fn rate(&self) -> Option<Rate> {
        self.rate
    }

    /// The route of `path`.
    pub fn route_for(&self, path: &str) -> Route {
        match self.routes.get(path) {
            Some(route) => route.clone(),
            None => Route::ok().latency(self.latency),
        }
    }
}

impl Default for Script {
    /// Same as [`Script::new`].
    fn default() -> Self {
        Script::new()
    }
}

/// `path` with a leading `/`.
pub fn normalize_path(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    #[test]
    fn one_result_each_says_how_many_it_expected() {
        assert!(one_result_each("URL", 2, 2).is_ok());
        let failed = one_result_each("id", 3, 1).unwrap_err();
        assert_eq!(failed.message, "expected 3 results (one per id), got 1");
    }

    #[test]
    fn routes_override_the_default() {
        let script = Script::new()
            .latency(ms(50))
            .route("slow", Route::ok().latency(ms(900)))
            .route("/x", Route::status(500).body("boom"));
        assert_eq!(script.route_for("/slow").latency, ms(900));
        assert_eq!(script.route_for("/x").status, 500);
        assert_eq!(script.route_for("/x").body.as_deref(), Some("boom"));
        assert_eq!(script.route_for("/other"), Route::ok().latency(ms(50)));
        assert_eq!(Script::new().hosts(0).host_count(), 1);
        let many = Script::new().routes([("/a", Route::status(404)), ("b", Route::ok())]);
        assert_eq!(many.route_for("/a").status, 404);
        assert_eq!(many.route_for("/b"), Route::ok());
    }
}
