//! # ex15 · Parallel web crawler ★★
//!
//! Goal: write `crawl(start, max_pages, workers, timeout)`, a breadth-first
//! crawler on exactly `workers` threads that fetches every page reachable
//! from `start` on the same host, each page once, and returns when the
//! crawl is done (LeetCode 1242, "Web Crawler Multithreaded").
//!
//! The fetching is given (`agent`, `fetch`), and so is the parsing
//! (`links`, `resolve`, `host`): a page's body lists its links, one per
//! line. What you write is the concurrency: a frontier of URLs to fetch
//! shared by `workers` threads, a visited set that lets each URL in once,
//! a budget of `max_pages`, and the one hard question: when is the crawl
//! over? Not when the frontier is empty: a worker still fetching a page may
//! be about to add its links. It is over when the frontier is empty AND no
//! worker is still fetching.
//!
//! What `kata check ex15` verifies, against a real HTTP server on 127.0.0.1
//! that it starts, whose pages it scripts (links, latency, status) and that
//! counts every request from its own side:
//! - the result is exactly the set of pages reachable from `start`, through
//!   cycles, self-links, duplicate links, relative and absolute links, a
//!   404, a page that links to hundreds; pages that failed are listed apart;
//! - links to another host (another port of the same server) are never
//!   followed;
//! - every URL is requested exactly once, also when many pages link to the
//!   same slow page at the same moment;
//! - at most `max_pages` requests, and exactly `max_pages` when more pages
//!   are reachable; `max_pages = 0` requests nothing; `workers = 0` panics;
//! - the server sees exactly `workers` requests in flight at its peak when
//!   there is enough to fetch: not more (a thread per link), not fewer
//!   (workers taking turns, or workers that quit while a slow page's links
//!   were still to come);
//! - workers with nothing to take wait asleep: while one fetches a slow page,
//!   the others use almost no CPU (a loop that looks and yields burns cores);
//! - a slow page does not hold up the rest: a crawl that waits for a whole
//!   level of the BFS before starting the next is measured against the time
//!   of workers that take the next URL as soon as they are free;
//! - `crawl` returns (a worker waiting for work that nobody will add hangs
//!   it) and, on Linux, leaves no thread of its own running.
//!
//! What it cannot see: which `max_pages` pages you fetched when more are
//! reachable (any of them, each once, is right), the order of the fetches,
//! or whether you coordinate with a `Mutex` + `Condvar` or with channels.
//! Nor a thread that was never joined but ends a moment after `crawl`
//! returns: join your workers (`thread::scope` does it for you).
//!
//! Read: book/src/exercises/ex15-parallel-crawler.md
//! Check: cargo kata check ex15

use std::collections::BTreeSet;
use std::time::Duration;

/// What a crawl did. Every URL that was requested is in exactly one of the
/// two sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crawl {
    /// The URLs that answered with a 2xx status (their links were
    /// followed).
    pub fetched: BTreeSet<String>,
    /// The URLs that were requested but failed: a 4xx or 5xx status, a
    /// timeout, a refused connection. They have no links to follow.
    pub failed: BTreeSet<String>,
}

/// Crawls from `start`, an absolute `http://host:port/path` URL, and
/// returns what it fetched.
///
/// - Pages: a URL is one page; it is requested at most once. `start` itself
///   is the first page, recorded as given. A page's links are
///   `links(body)`, each turned into a URL with `resolve(page, link)` (a
///   `None` is skipped); only URLs with the same `host(..)` as `start` are
///   followed, the others are ignored (never requested, never listed).
/// - `max_pages`: at most `max_pages` requests in all, failed ones
///   included. If at most `max_pages` pages are reachable, every one of
///   them is requested; if more are, exactly `max_pages` of them are.
///   `max_pages = 0` requests nothing and returns an empty `Crawl`.
/// - `workers`: at most `workers` requests in flight at once, and a worker
///   is never idle while a URL it could fetch waits in the frontier.
/// - `timeout`: the per-request timeout, given to `agent`.
/// - Returns once nothing is in flight and nothing is left to fetch, with
///   every thread it started ended.
///
/// # Panics
/// If `workers` is zero.
pub fn crawl(start: &str, max_pages: usize, workers: usize, timeout: Duration) -> Crawl {
    // TODO: one `agent(timeout)`, shared by `workers` scoped threads.
    // TODO: shared state behind one lock: the frontier (URLs to fetch), the
    // visited set (every URL ever let in: mark a URL when you ADD it to the
    // frontier, not after fetching it, or two workers fetch it), how many
    // URLs the budget has left, how many fetches are in flight, the result.
    // TODO: a worker takes a URL (or waits on a Condvar while the frontier is
    // empty but some fetch is still in flight), fetches it WITHOUT holding
    // the lock, then adds the new same-host links and wakes the others.
    // TODO: when the frontier is empty and nothing is in flight, the crawl
    // is over: wake every waiting worker so they all return.
    let _ = (start, max_pages, workers, timeout);
    todo!()
}

// ---------------------------------------------------------------------------
// Given: fetching and parsing. Use them as they are.
// ---------------------------------------------------------------------------

/// A `ureq` agent with no proxy and a per-request timeout of `timeout`:
/// make one and share it between your threads (`&ureq::Agent` is `Send`).
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// GETs `url`: `Some(body)` on a 2xx answer, `None` on anything else (a
/// 4xx or 5xx status, a timeout, a refused connection, a bad URL).
pub fn fetch(agent: &ureq::Agent, url: &str) -> Option<String> {
    let mut response = agent.get(url).call().ok()?;
    response.body_mut().read_to_string().ok()
}

/// The links a page's body lists: one per line, trimmed, blank lines
/// skipped. They are not resolved yet: see [`resolve`].
pub fn links(body: &str) -> Vec<String> {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The absolute URL of `link`, found on the page at `page`, without its
/// `#fragment`: `http://…` is taken as it is, `/a/b` is on `page`'s host,
/// and `c` (no leading `/`) sits beside `page` (`http://h/x/y` + `c` is
/// `http://h/x/c`). Anything else (`mailto:`, `https://`, an empty link)
/// is `None`.
pub fn resolve(page: &str, link: &str) -> Option<String> {
    let link = link.split('#').next().unwrap_or_default();
    if link.starts_with("http://") {
        return Some(link.to_owned());
    }
    if link.is_empty() || link.contains(':') {
        return None;
    }
    let origin = format!("http://{}", host(page));
    if link.starts_with('/') {
        return Some(format!("{origin}{link}"));
    }
    let path = &page[origin.len().min(page.len())..];
    let dir = path.rfind('/').map_or("/", |at| &path[..=at]);
    Some(format!("{origin}{dir}{link}"))
}

/// The `host:port` of an `http://` URL: `http://127.0.0.1:8080/a` gives
/// `127.0.0.1:8080`.
pub fn host(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}
