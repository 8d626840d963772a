//! A site of linked pages, for the checks of crawlers (feature `async`): the
//! check writes its link graph once, and gets from it the [`Script`] that
//! `kata_fakes::FakeServer` serves (each page's body lists its links, one per
//! line), the pages reachable from a start (what a crawler must fetch, worked
//! out by the check itself), and the yardsticks of time: [`Site::ideal`]
//! (free workers take the next page at once) and [`Site::by_levels`] (a BFS
//! that waits for each level to end).
//!
//! Links are written as a page would: `/a`, `b` (beside the page),
//! `http://{host:0}/c` (absolute, this host: the server fills in the port),
//! `/d#top` (a fragment), and anything a crawler must not follow:
//! `http://{host:1}/x` (another host), `mailto:…`. [`target`] says which
//! page of host 0 a link leads to, if any.
//!
//! And the judging: [`Site::judge`] compares a crawl's two sets of URLs
//! (fetched, failed) with the reachable pages and the server's counts
//! (each path once, no request to another host); [`each_once`] is the
//! counting part alone. [`call`] runs the crawl itself: under a
//! real-time limit, its threads counted, a hang and a panic said as what
//! they mean for a crawler.

use crate::footprint::Started;
use crate::measure::ThreadPeak;
use crate::panicking::is_todo;
use crate::protocol::human_duration;
use crate::service::{ideal_time, jobs, IdealLimits, Route, Script, Stats};
use crate::{ensure, fail, ms, within, Outcome};
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::Duration;
use std::time::Instant;

/// Pages by path, each with its route (status, latency) and its links.
#[derive(Clone, Debug, Default)]
pub struct Site {
    pages: BTreeMap<String, (Route, Vec<String>)>,
}

/// What a crawl from a start must end with: paths of host 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reached {
    /// Answered 2xx (their links are followed).
    pub ok: BTreeSet<String>,
    /// Answered anything else.
    pub failed: BTreeSet<String>,
}

impl Reached {
    /// How many pages, failed ones included.
    pub fn len(&self) -> usize {
        self.ok.len() + self.failed.len()
    }

    /// No page at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The path on host 0 that `link`, found on the page at `page` (a path),
/// leads to: `None` for another host or anything that is no `http` link.
pub fn target(page: &str, link: &str) -> Option<String> {
    let link = link.split('#').next().unwrap_or_default();
    if let Some(rest) = link.strip_prefix("http://{host:0}") {
        return Some(if rest.is_empty() { "/".into() } else { rest.into() });
    }
    if link.is_empty() || link.contains([':', '{']) {
        return None;
    }
    if link.starts_with('/') {
        return Some(link.into());
    }
    let dir = page.rfind('/').map_or("/", |at| &page[..=at]);
    Some(format!("{dir}{link}"))
}

impl Site {
    /// No pages.
    pub fn new() -> Site {
        Site::default()
    }

    /// The page at `path`, answered as `route` (its body replaced by the
    /// links, one per line). A later page of the same path replaces it.
    pub fn page<S: Into<String>>(
        mut self,
        path: &str,
        route: Route,
        links: impl IntoIterator<Item = S>,
    ) -> Site {
        self.pages.insert(path.into(), (route, links.into_iter().map(Into::into).collect()));
        self
    }

    /// `n` pages `{prefix}/{i}`, each answered as `route` and linking to
    /// `links(i)`.
    pub fn fan<S: Into<String>>(
        self,
        prefix: &str,
        n: usize,
        route: Route,
        links: impl Fn(usize) -> Vec<S>,
    ) -> Site {
        (0..n).fold(self, |site, i| site.page(&format!("{prefix}/{i}"), route.clone(), links(i)))
    }

    /// `{prefix}/0` to `{prefix}/{n - 1}`: the paths of a [`Site::fan`].
    pub fn paths(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}/{i}")).collect()
    }

    /// The script that serves the site on `hosts` hosts (every host serves
    /// the same pages; a path that is no page answers `404`).
    pub fn script(&self, hosts: usize) -> Script {
        let pages = self
            .pages
            .iter()
            .map(|(path, (route, links))| (path, route.clone().body(links.join("\n"))));
        Script::new().hosts(hosts).route("/kata-not-a-page", Route::status(404)).routes(pages)
    }

    /// The route of `path`.
    ///
    /// # Panics
    /// `path` is no page of the site: a link of the check's own graph that
    /// leads nowhere is a bug of the check.
    pub fn route(&self, path: &str) -> &Route {
        match self.pages.get(path) {
            Some((route, _)) => route,
            None => panic!("kata sites: a link leads to {path}, which is no page of the site"),
        }
    }

    /// The pages of host 0 that the page at `path` links to, in order,
    /// repeats included; none if it does not answer 2xx.
    pub fn links_of(&self, path: &str) -> Vec<String> {
        match self.pages.get(path) {
            Some((route, links)) if (200..300).contains(&route.status) => {
                links.iter().filter_map(|link| target(path, link)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Every page reachable from `start` (a path) through pages that answer
    /// 2xx, `start` included.
    pub fn reachable(&self, start: &str) -> Reached {
        let mut reached = Reached::default();
        let mut seen = HashSet::from([start.to_owned()]);
        let mut frontier = VecDeque::from([start.to_owned()]);
        while let Some(path) = frontier.pop_front() {
            let ok = (200..300).contains(&self.route(&path).status);
            for next in self.links_of(&path) {
                if seen.insert(next.clone()) {
                    frontier.push_back(next);
                }
            }
            if ok { &mut reached.ok } else { &mut reached.failed }.insert(path);
        }
        reached
    }

    /// How long `workers` workers take to crawl the site from `start` when a
    /// free worker takes the next page (first found, first taken) the moment
    /// there is one, and a page's links are there the moment it is answered.
    pub fn ideal(&self, start: &str, workers: usize) -> Duration {
        let mut seen = HashSet::from([start.to_owned()]);
        let mut frontier = VecDeque::from([start.to_owned()]);
        let mut running: Vec<(Duration, String)> = Vec::new();
        let mut now = Duration::ZERO;
        loop {
            while running.len() < workers.max(1) {
                let Some(path) = frontier.pop_front() else { break };
                running.push((now + self.route(&path).latency, path));
            }
            // The earliest to end (ties: the first started).
            let Some(at) = (0..running.len()).min_by_key(|&i| running[i].0) else {
                return now;
            };
            let (end, path) = running.remove(at);
            now = end;
            for next in self.links_of(&path) {
                if seen.insert(next.clone()) {
                    frontier.push_back(next);
                }
            }
        }
    }

    /// How long a BFS by levels takes from `start` on `workers` workers: each
    /// level's pages on free workers as in [`ideal_time`], and the next level
    /// started only when the whole level has been answered.
    pub fn by_levels(&self, start: &str, workers: usize) -> Duration {
        let mut seen = HashSet::from([start.to_owned()]);
        let mut level = vec![start.to_owned()];
        let mut total = Duration::ZERO;
        while !level.is_empty() {
            let latencies: Vec<Duration> = level.iter().map(|p| self.route(p).latency).collect();
            total += ideal_time(&jobs(&latencies), IdealLimits::concurrency(workers.max(1)));
            level = level
                .iter()
                .flat_map(|p| self.links_of(p))
                .filter(|n| seen.insert(n.clone()))
                .collect();
        }
        total
    }
}

/// Up to 5 of `set`, for a message.
fn some(set: &BTreeSet<&String>) -> String {
    let shown: Vec<&str> = set.iter().take(5).map(|s| s.as_str()).collect();
    let more = if set.len() > 5 { format!(" and {} more", set.len() - 5) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// `Ok` if the server's `stats` count no path more than once; else the
/// failure that names them.
///
/// # Errors
/// A path was requested twice or more.
pub fn each_once(stats: &Stats) -> Result<(), Outcome> {
    let twice: BTreeSet<&String> =
        stats.per_path.iter().filter(|(_, &n)| n > 1).map(|(p, _)| p).collect();
    ensure(twice.is_empty(), || {
        let worst = stats.per_path.values().max().copied().unwrap_or(0);
        fail(format!(
            "the server received these paths more than once: {}. Each URL must be fetched exactly once: \
             mark a URL as seen in the same locked step that puts it in the frontier (`seen.insert(url)` \
             says whether it is new), not after fetching it and not in a second step after checking.",
            some(&twice)
        ))
        .figure("most requests for one path (server-side)", worst, "== 1")
    })
}

/// What a crawl returned: the URLs it fetched and those that failed.
pub struct Got<'a> {
    pub fetched: &'a BTreeSet<String>,
    pub failed: &'a BTreeSet<String>,
}

impl Site {
    /// `Ok` if `got` is exactly the pages reachable from `start` (a path),
    /// as URLs (`url` of each path, host 0), the 2xx ones fetched and the
    /// others failed; the server's `stats` saw each path at most once and
    /// nothing on the host `away`. Else the failure that says which part is
    /// off; `why` ends the message of a missing page (what the scenario
    /// makes of it).
    ///
    /// # Errors
    /// The crawl is off the reachable set or the server's counts.
    pub fn judge(
        &self,
        start: &str,
        got: Got<'_>,
        stats: &Stats,
        (url, away): (&dyn Fn(&str) -> String, &str),
        why: &str,
    ) -> Result<(), Outcome> {
        let reached = self.reachable(start);
        let urls = |paths: &BTreeSet<String>| -> BTreeSet<String> {
            paths.iter().map(|p| url(p)).collect()
        };
        for (name, want, have) in [
            ("fetched", urls(&reached.ok), got.fetched),
            ("failed", urls(&reached.failed), got.failed),
        ] {
            let missing: BTreeSet<&String> = want.difference(have).collect();
            let extra: BTreeSet<&String> = have.difference(&want).collect();
            ensure(missing.is_empty(), || {
                fail(format!(
                    "`{name}` lacks {} reachable page(s): {}. {why}",
                    missing.len(),
                    some(&missing)
                ))
                .figure(
                    format!("pages in `{name}`"),
                    have.len(),
                    format!("== {}", want.len()),
                )
            })?;
            ensure(extra.is_empty(), || {
                fail(format!(
                    "`{name}` has {} URL(s) it should not: {}. `fetched` holds the pages that answered 2xx, \
                     `failed` those requested that did not; a link to another host (another port) is never \
                     followed, and the links of a failed page are not there to follow.",
                    extra.len(),
                    some(&extra)
                ))
            })?;
        }
        each_once(stats)?;
        let strays = stats.per_host.get(away).copied().unwrap_or(0);
        ensure(strays == 0, || {
            fail(format!(
                "the server's other host ({away}) received {strays} request(s): only links on the start's \
                 host:port are followed (`host(link) == host(start)`); 127.0.0.1 on another port is another host"
            ))
        })
    }
}

/// What one call of the crawl gave, how long it took, and the most threads
/// of the process's own it had alive at once (Linux; `None` elsewhere).
pub struct Ran<T> {
    pub value: T,
    pub took: Duration,
    pub threads: Option<usize>,
}

/// Runs `f` (a call of the crawl, `label` naming it in messages) on a
/// thread of its own under `limit`, watching the process's threads. An
/// untouched stub's `todo!()` is passed on (the harness says "still a
/// stub").
///
/// # Errors
/// `f` did not return within `limit` (said as workers waiting for work
/// nobody will add), panicked, or left a thread of its own running.
pub fn call<T: Send + 'static>(
    label: &str,
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<Ran<T>, Outcome> {
    let started = Started::new();
    let run = move || {
        let began = Instant::now();
        let (got, threads) = ThreadPeak::during(ms(2), || catch_unwind(AssertUnwindSafe(f)));
        (got, began.elapsed(), threads)
    };
    let (got, took, threads) = within(limit, label, run).map_err(|_| {
        fail(format!(
            "{label} did not return within {}: are workers waiting for work that nobody will add? The \
             crawl is over when the frontier is empty AND no fetch is in flight; the worker that makes it \
             so must wake all the others (notify_all) so that every worker returns.",
            human_duration(limit)
        ))
    })?;
    let value = match got {
        Ok(value) => value,
        Err(panic) if is_todo(&*panic) => resume_unwind(panic),
        Err(_) => {
            return Err(fail(format!(
            "{label} panicked: a page that fails is a value (it goes into `failed`), never a panic"
        )))
        }
    };
    let left = started.left_after(ms(500)).unwrap_or(0);
    ensure(left == 0, || {
        fail(format!(
            "{label} returned, but left {left} thread(s) of its own running: every worker must end \
             before the crawl returns (scoped threads, or join every handle)"
        ))
        .figure("threads left running", left, "== 0")
    })?;
    Ok(Ran { value, took, threads })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;

    #[test]
    fn links_lead_where_a_browser_would_go() {
        assert_eq!(target("/x/y", "/a").as_deref(), Some("/a"));
        assert_eq!(target("/x/y", "c").as_deref(), Some("/x/c"));
        assert_eq!(target("/", "c#top").as_deref(), Some("/c"));
        assert_eq!(target("/x", "http://{host:0}").as_deref(), Some("/"));
        assert_eq!(target("/x", "http://{host:0}/b").as_deref(), Some("/b"));
        assert_eq!(target("/x", "http://{host:1}/b"), None);
        assert_eq!(target("/x", "mailto:a@b.c"), None);
        assert_eq!(target("/x", "#only"), None);
    }

    #[test]
    fn reachable_pages_and_the_times_of_two_crawlers() {
        let fast = || Route::ok().latency(ms(10));
        let site = Site::new()
            .page("/", fast(), ["/slow", "b", "/", "http://{host:1}/away", "/missing"])
            .page("/slow", Route::ok().latency(ms(100)), Vec::<String>::new())
            .page("/b", fast(), ["/c1", "/c2", "/c3", "/slow"])
            .page("/missing", Route::status(404), ["/never"])
            .page("/never", fast(), Vec::<String>::new())
            .page("/c1", fast(), ["/"])
            .page("/c2", fast(), Vec::<String>::new())
            .page("/c3", fast(), Vec::<String>::new());
        let reached = site.reachable("/");
        let ok: Vec<&str> = reached.ok.iter().map(String::as_str).collect();
        assert_eq!(ok, ["/", "/b", "/c1", "/c2", "/c3", "/slow"]);
        assert_eq!(reached.failed, BTreeSet::from(["/missing".to_owned()]));
        assert_eq!(reached.len(), 7);
        // 2 workers: / at 10; slow and b; b at 20, missing 20, c1 30, c2 30,
        // c3 40; slow at 110. By levels: 10 + 100 (slow, b, missing) + 20.
        assert_eq!(site.ideal("/", 2), ms(110));
        assert_eq!(site.by_levels("/", 2), ms(130));
        let body = site.script(2).route_for("/b").body.unwrap_or_default();
        assert_eq!(body, "/c1\n/c2\n/c3\n/slow");
        assert_eq!(site.script(2).host_count(), 2);
        assert!(site.links_of("/missing").is_empty());
    }

    #[test]
    fn a_crawl_is_judged_against_the_reachable_pages_and_the_counts() {
        let site = Site::new()
            .page("/", Route::ok(), ["/a", "/bad", "http://{host:1}/x"])
            .page("/a", Route::ok(), ["/"])
            .page("/bad", Route::status(500), Vec::<String>::new());
        let url = |p: &str| format!("http://h{p}");
        let set = |ps: &[&str]| -> BTreeSet<String> { ps.iter().map(|p| url(p)).collect() };
        let per_path = [("/".into(), 1), ("/a".into(), 1), ("/bad".into(), 1)].into();
        let mut stats = Stats { per_path, ..Stats::default() };
        let (ok, bad) = (set(&["/", "/a"]), set(&["/bad"]));
        let judged = |fetched, failed, stats: &Stats| {
            site.judge("/", Got { fetched, failed }, stats, (&url, "away"), "why")
        };
        assert!(judged(&ok, &bad, &stats).is_ok());
        let (start_only, stray) = (set(&["/"]), set(&["/bad", "/x"]));
        let lacks = judged(&start_only, &bad, &stats).unwrap_err();
        assert!(lacks.message.starts_with("`fetched` lacks 1 reachable page(s): http://h/a. why"));
        assert!(judged(&ok, &stray, &stats).unwrap_err().message.contains("has 1 URL"));
        stats.per_path.insert("/a".into(), 2);
        assert!(judged(&ok, &bad, &stats).unwrap_err().message.contains("more than once: /a"));
        stats.per_path.insert("/a".into(), 1);
        stats.per_host.insert("away".into(), 1);
        assert!(judged(&ok, &bad, &stats).unwrap_err().message.contains("other host (away)"));
    }

    #[test]
    fn a_call_is_timed_and_a_thread_left_behind_is_named() {
        // Other tests start threads meanwhile: only a thread left is allowed.
        match call("quick", ms(2000), || 7) {
            Ok(ran) => assert_eq!(ran.value, 7),
            Err(o) => assert!(o.message.contains("left"), "{}", o.message),
        }
        let hung = call("stuck", ms(100), || std::thread::sleep(ms(400))).err().unwrap();
        assert!(hung.message.starts_with("stuck did not return within 100 ms"), "{}", hung.message);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let left = call("leaky", ms(2000), move || {
            std::thread::spawn(move || stopped.recv());
        });
        if cfg!(target_os = "linux") {
            assert!(left.err().unwrap().message.contains("thread(s) of its own running"));
        }
        drop(stop);
        let fan = Site::new().fan("/f", 2, Route::ok(), |i| vec![format!("/f/{}", 1 - i)]);
        assert_eq!(fan.links_of("/f/0"), ["/f/1"]);
        assert_eq!(Site::paths("/f", 2), ["/f/0", "/f/1"]);
    }
}
