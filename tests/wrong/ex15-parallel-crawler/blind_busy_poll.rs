//! Known wrong: idle workers spin (lock, look, unlock, yield_now) while a slow page is in flight.
//! Written blind: idle workers spin on the lock (lock, look, unlock, yield_now) instead of waiting on a Condvar, burning both cores while a slow page is in flight; a learner avoids Condvar because it looks tricky
//! expect-fail: workers-stay: kept the CPU busy with nothing to do
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

struct State {
    frontier: VecDeque<String>,
    seen: HashSet<String>,
    budget: usize,
    out: Crawl,
}

pub fn crawl(start: &str, max_pages: usize, workers: usize, timeout: Duration) -> Crawl {
    assert!(workers > 0);
    if max_pages == 0 {
        return Crawl::default();
    }
    let origin = host(start).to_owned();
    let agent = agent(timeout);
    let in_flight = AtomicUsize::new(0);
    let state = Mutex::new(State {
        frontier: VecDeque::from([start.to_owned()]),
        seen: HashSet::from([start.to_owned()]),
        budget: max_pages - 1,
        out: Crawl::default(),
    });
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let url = {
                    let mut st = state.lock().unwrap();
                    match st.frontier.pop_front() {
                        Some(u) => {
                            in_flight.fetch_add(1, Ordering::SeqCst);
                            u
                        }
                        None => {
                            if in_flight.load(Ordering::SeqCst) == 0 {
                                return;
                            }
                            drop(st);
                            thread::yield_now();
                            continue;
                        }
                    }
                };
                let body = fetch(&agent, &url);
                let mut st = state.lock().unwrap();
                match body {
                    Some(b) => {
                        for l in links(&b) {
                            let Some(n) = resolve(&url, &l) else { continue };
                            if host(&n) == origin && st.budget > 0 && st.seen.insert(n.clone()) {
                                st.budget -= 1;
                                st.frontier.push_back(n);
                            }
                        }
                        st.out.fetched.insert(url);
                    }
                    None => {
                        st.out.failed.insert(url);
                    }
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    state.into_inner().unwrap().out
}

/// What a crawl did. Every URL that was requested is in exactly one of the
/// two sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crawl {
    /// The URLs that answered with a 2xx status (their links were
    /// followed).
    pub fetched: std::collections::BTreeSet<String>,
    /// The URLs that were requested but failed: a 4xx or 5xx status, a
    /// timeout, a refused connection. They have no links to follow.
    pub failed: std::collections::BTreeSet<String>,
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
