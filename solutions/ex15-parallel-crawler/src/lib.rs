//! # ex15 · Parallel web crawler ★★ — reference solution
//!
//! One `Mutex` over all the bookkeeping (frontier, visited set, budget,
//! fetches in flight, result) and one `Condvar` for "something changed".
//! `W` scoped threads share one agent; each takes a URL under the lock,
//! fetches it with the lock released, and adds the page's new links under
//! the lock again.
//!
//! The two invariants that make it right:
//! - a URL enters `seen` in the same critical section that puts it in the
//!   frontier and takes one unit of the budget: so it is fetched at most
//!   once, and at most `max_pages` URLs are ever let in;
//! - the crawl is over exactly when the frontier is empty and nothing is in
//!   flight: only a fetch in flight can add work, so from that moment on
//!   nothing ever will. The worker that brings `in_flight` to 0 with an
//!   empty frontier wakes all the others, and they all return.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;
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
/// Crawls from `start` (see the exercise for the whole contract).
///
/// # Panics
/// If `workers` is zero.
pub fn crawl(start: &str, max_pages: usize, workers: usize, timeout: Duration) -> Crawl {
    assert!(workers > 0, "crawl needs at least one worker");
    if max_pages == 0 {
        return Crawl::default();
    }
    let origin = host(start);
    let agent = agent(timeout);
    // The start page takes the first unit of the budget.
    let state = Mutex::new(State {
        frontier: VecDeque::from([start.to_owned()]),
        seen: HashSet::from([start.to_owned()]),
        budget: max_pages - 1,
        in_flight: 0,
        crawl: Crawl::default(),
    });
    let changed = Condvar::new();
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| work(&state, &changed, &agent, origin));
        }
    });
    // Every worker has returned (the scope joined them); a panic in one is
    // passed on by the scope.
    state
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .crawl
}

/// Everything the workers share, behind one lock.
struct State {
    /// URLs let in and not yet taken by a worker.
    frontier: VecDeque<String>,
    /// Every URL ever let into the frontier (taken or not).
    seen: HashSet<String>,
    /// How many more URLs may be let in.
    budget: usize,
    /// Fetches taken from the frontier and not yet accounted for.
    in_flight: usize,
    crawl: Crawl,
}

/// One worker: take, fetch, add, until the crawl is over.
fn work(state: &Mutex<State>, changed: &Condvar, agent: &ureq::Agent, origin: &str) {
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let mut st = lock();
        let url = loop {
            if let Some(url) = st.frontier.pop_front() {
                break url;
            }
            if st.in_flight == 0 {
                // Nothing to take and nobody who could add anything: the
                // crawl is over (whoever made it so has woken us all).
                return;
            }
            // Empty for now, but a fetch in flight may bring links: wait.
            // (`wait` releases the lock while asleep; a spurious wake-up
            // just goes round the loop again.)
            st = changed.wait(st).unwrap_or_else(PoisonError::into_inner);
        };
        st.in_flight += 1;
        // Never hold the lock across the network: the others must be able
        // to take URLs meanwhile.
        drop(st);
        let page = fetch(agent, &url);
        // Parse outside the lock too; only the bookkeeping needs it.
        let found: Vec<String> = page
            .as_deref()
            .map(|body| {
                links(body)
                    .iter()
                    .filter_map(|link| resolve(&url, link))
                    .filter(|next| host(next) == origin)
                    .collect()
            })
            .unwrap_or_default();
        let mut st = lock();
        for next in found {
            if st.budget == 0 {
                break;
            }
            // Check and mark in one step, under the same lock as the push:
            // whoever inserts first owns the URL; everyone else sees it
            // already seen, however close together they read their pages.
            if st.seen.insert(next.clone()) {
                st.budget -= 1;
                st.frontier.push_back(next);
            }
        }
        if page.is_some() {
            st.crawl.fetched.insert(url);
        } else {
            st.crawl.failed.insert(url);
        }
        st.in_flight -= 1;
        // Wake the waiters: there may be new URLs, or (frontier empty and
        // nothing in flight) the crawl is over and they must return.
        // `notify_all`, not `notify_one`: several URLs may have been added,
        // and at the end every waiter has to leave.
        if !st.frontier.is_empty() || st.in_flight == 0 {
            changed.notify_all();
        }
    }
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
