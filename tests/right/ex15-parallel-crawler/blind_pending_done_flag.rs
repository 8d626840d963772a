//! Known right: Mutex + Condvar with a pending count (frontier + in flight) and a done flag set by whoever brings it to 0; handles joined explicitly.
//! Written blind: right: Mutex<State> + Condvar with `pending` = URLs admitted but not yet finished (frontier + in flight) and a `done` flag set by whoever brings pending to 0; budget reserved at admission
use std::collections::{HashSet, VecDeque};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

struct State {
    frontier: VecDeque<String>,
    seen: HashSet<String>,
    left: usize,
    pending: usize,
    done: bool,
    out: Crawl,
}

fn worker(state: &Mutex<State>, cv: &Condvar, agent: &ureq::Agent, origin: &str) {
    loop {
        let url = {
            let mut st = state.lock().unwrap();
            while st.frontier.is_empty() && !st.done {
                st = cv.wait(st).unwrap();
            }
            match st.frontier.pop_front() {
                Some(u) => u,
                None => return,
            }
        };
        let body = fetch(agent, &url);
        let new: Vec<String> = body
            .as_deref()
            .map(|b| links(b).iter().filter_map(|l| resolve(&url, l)).filter(|n| host(n) == origin).collect())
            .unwrap_or_default();
        let mut st = state.lock().unwrap();
        for n in new {
            if st.left == 0 {
                break;
            }
            if st.seen.insert(n.clone()) {
                st.left -= 1;
                st.pending += 1;
                st.frontier.push_back(n);
            }
        }
        if body.is_some() {
            st.out.fetched.insert(url);
        } else {
            st.out.failed.insert(url);
        }
        st.pending -= 1;
        if st.pending == 0 {
            st.done = true;
        }
        cv.notify_all();
    }
}

pub fn crawl(start: &str, max_pages: usize, workers: usize, timeout: Duration) -> Crawl {
    assert_ne!(workers, 0, "crawl needs at least one worker");
    if max_pages == 0 {
        return Crawl::default();
    }
    let origin = host(start);
    let agent = agent(timeout);
    let state = Mutex::new(State {
        frontier: VecDeque::from([start.to_owned()]),
        seen: HashSet::from([start.to_owned()]),
        left: max_pages - 1,
        pending: 1,
        done: false,
        out: Crawl::default(),
    });
    let cv = Condvar::new();
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers).map(|_| s.spawn(|| worker(&state, &cv, &agent, origin))).collect();
        for h in handles {
            h.join().expect("worker panicked");
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
