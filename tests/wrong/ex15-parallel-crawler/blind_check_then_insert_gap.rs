//! Known wrong: the visited set and the frontier behind two locks, looked up under one and filled under the other: duplicates
//! Written blind: seen and frontier behind separate Mutexes; a worker checks `!seen.contains(link)` under one lock, then takes the seen lock again later to insert, so two workers reading pages that share a link both queue it and it is fetched twice; "fine-grained locks are faster"
//! expect-fail: reachable-set: Each URL must be fetched exactly once
use std::collections::{HashSet, VecDeque};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

struct Queue {
    frontier: VecDeque<String>,
    in_flight: usize,
}

pub fn crawl(start: &str, max_pages: usize, workers: usize, timeout: Duration) -> Crawl {
    assert!(workers > 0);
    if max_pages == 0 {
        return Crawl::default();
    }
    let origin = host(start).to_owned();
    let agent = agent(timeout);
    let seen = Mutex::new(HashSet::from([start.to_owned()]));
    let budget = Mutex::new(max_pages - 1);
    let queue = Mutex::new(Queue { frontier: VecDeque::from([start.to_owned()]), in_flight: 0 });
    let cv = Condvar::new();
    let out = Mutex::new(Crawl::default());
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let mut q = queue.lock().unwrap();
                let url = loop {
                    if let Some(u) = q.frontier.pop_front() {
                        break u;
                    }
                    if q.in_flight == 0 {
                        cv.notify_all();
                        return;
                    }
                    q = cv.wait(q).unwrap();
                };
                q.in_flight += 1;
                drop(q);
                let body = fetch(&agent, &url);
                let mut new = Vec::new();
                if let Some(b) = &body {
                    for l in links(b) {
                        let Some(n) = resolve(&url, &l) else { continue };
                        if host(&n) != origin {
                            continue;
                        }
                        let fresh = !seen.lock().unwrap().contains(&n);
                        if fresh {
                            new.push(n);
                        }
                    }
                }
                {
                    let mut o = out.lock().unwrap();
                    if body.is_some() {
                        o.fetched.insert(url);
                    } else {
                        o.failed.insert(url);
                    }
                }
                let mut admitted = Vec::new();
                for n in new {
                    let mut b = budget.lock().unwrap();
                    if *b == 0 {
                        break;
                    }
                    *b -= 1;
                    drop(b);
                    seen.lock().unwrap().insert(n.clone());
                    admitted.push(n);
                }
                let mut q = queue.lock().unwrap();
                q.frontier.extend(admitted);
                q.in_flight -= 1;
                cv.notify_all();
            });
        }
    });
    out.into_inner().unwrap()
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
