//! Known right: workers admit links under a Mutex; an AtomicUsize counts admitted, unfinished URLs, and the worker that brings it to 0 sends a Stop per worker.
//! Written blind: right: workers admit links themselves (Mutex<seen+budget>), an AtomicUsize counts admitted-but-unfinished URLs, and the worker that brings it to 0 sends one Stop per worker down the shared work channel
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

enum Msg {
    Url(String),
    Stop,
}

struct Admit {
    seen: HashSet<String>,
    budget: usize,
}

pub fn crawl(start: &str, max_pages: usize, workers: usize, timeout: Duration) -> Crawl {
    if workers == 0 {
        panic!("crawl: workers = 0");
    }
    if max_pages == 0 {
        return Crawl::default();
    }
    let origin = host(start).to_owned();
    let agent = agent(timeout);
    let (tx, rx) = mpsc::channel::<Msg>();
    let rx = Mutex::new(rx);
    let admit = Mutex::new(Admit { seen: HashSet::from([start.to_owned()]), budget: max_pages - 1 });
    let pending = AtomicUsize::new(1);
    let result = Mutex::new(Crawl::default());
    tx.send(Msg::Url(start.to_owned())).unwrap();
    thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (rx, admit, pending, result, agent, origin) = (&rx, &admit, &pending, &result, &agent, &origin);
            s.spawn(move || loop {
                let msg = rx.lock().unwrap().recv();
                let url = match msg {
                    Ok(Msg::Url(u)) => u,
                    Ok(Msg::Stop) | Err(_) => return,
                };
                let body = fetch(agent, &url);
                if let Some(body) = &body {
                    let mut new = Vec::new();
                    {
                        let mut a = admit.lock().unwrap();
                        for l in links(body) {
                            let Some(next) = resolve(&url, &l) else { continue };
                            if host(&next) == origin.as_str() && a.budget > 0 && a.seen.insert(next.clone()) {
                                a.budget -= 1;
                                new.push(next);
                            }
                        }
                    }
                    pending.fetch_add(new.len(), Ordering::SeqCst);
                    for n in new {
                        tx.send(Msg::Url(n)).unwrap();
                    }
                }
                {
                    let mut r = result.lock().unwrap();
                    match body {
                        Some(_) => r.fetched.insert(url),
                        None => r.failed.insert(url),
                    };
                }
                if pending.fetch_sub(1, Ordering::SeqCst) == 1 {
                    for _ in 0..workers {
                        let _ = tx.send(Msg::Stop);
                    }
                }
            });
        }
    });
    drop(tx);
    result.into_inner().unwrap()
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
