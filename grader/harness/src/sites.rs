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

use crate::service::{ideal_time, jobs, IdealLimits, Route, Script};
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::time::Duration;

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
}
