//! Known wrong: a BFS by levels: each level is fetched on the workers, and the next starts only when the whole level is done, so a slow page idles every other worker.
//! expect-fail: no-level-wait: That is the time of a BFS by levels
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
use std::collections::HashSet;
use std::sync::Mutex;

pub fn crawl(start: &str, max_pages: usize, workers: usize, timeout: Duration) -> Crawl {
    assert!(workers > 0);
    let mut result = Crawl::default();
    if max_pages == 0 {
        return result;
    }
    let agent = agent(timeout);
    let origin = host(start);
    let mut seen = HashSet::from([start.to_owned()]);
    let mut budget = max_pages - 1;
    let mut level = vec![start.to_owned()];
    while !level.is_empty() {
        let next = Mutex::new(0usize);
        let pages = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = { let mut n = next.lock().unwrap(); *n += 1; *n - 1 };
                    let Some(url) = level.get(i) else { return };
                    let page = fetch(&agent, url);
                    pages.lock().unwrap().push((url.clone(), page));
                });
            }
        });
        let mut following = Vec::new();
        for (url, page) in pages.into_inner().unwrap() {
            for link in page.as_deref().map(links).unwrap_or_default() {
                if let Some(n) = resolve(&url, &link) {
                    if host(&n) == origin && budget > 0 && seen.insert(n.clone()) {
                        budget -= 1;
                        following.push(n);
                    }
                }
            }
            if page.is_some() { result.fetched.insert(url); } else { result.failed.insert(url); }
        }
        level = following;
    }
    result
}

// ---------------------------------------------------------------------------
// Given: fetching and parsing. Use them as they are.
// ---------------------------------------------------------------------------

/// A `ureq` agent with no proxy and a per-request timeout of `timeout`:
/// make one and share it between your threads (`&ureq::Agent` is `Send`).
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder().proxy(None).timeout_global(Some(timeout)).build().into()
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
    body.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
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
