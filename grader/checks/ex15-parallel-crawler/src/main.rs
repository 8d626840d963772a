//! The hidden checks of ex15 · Parallel web crawler.
//!
//! Every check serves a link graph of its own (`kata_harness::sites::Site`)
//! from a `kata_fakes::FakeServer`, a real HTTP server on 127.0.0.1 on two
//! ports (host 0, where the crawl starts, and host 1, which it must never
//! reach), and points `crawl` at it. The check works out the reachable pages
//! from its own graph and judges what the server counted: requests per path
//! and per host, the peak in flight. Time is only compared with the ideal
//! the site's latencies give (`Site::ideal`), never with raw seconds.

use kata_fakes::{FakeServer, Route};
use kata_harness::panicking::is_todo;
use kata_harness::protocol::human_duration as human;
use kata_harness::service::spans;
use kata_harness::sites::{self, each_once, Got, Site};
use kata_harness::waiting::{judge_idle, watch_idle};
use kata_harness::{ensure, fail, ms, pass, within, Outcome, Verdict};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(crawl, Crawl);

/// The per-request timeout wherever the timeout is not what is checked.
const GENEROUS: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "reachable-set" => reachable_set,
            "cycles, self-links, duplicates, relative and absolute links, a 404, a 500, a page of 150 links: exactly the reachable pages, each requested once, no other host";
        "each-page-once" => each_page_once,
            "eight pages read at once all link to one slow page and to each other: every page requested exactly once";
        "bound-held" => bound_held,
            "a page of 40 links on 4 workers: the server sees exactly 4 requests in flight at its peak, and no thread is left running";
        "workers-stay" => workers_stay,
            "the only page's links come after a slow answer: workers wait for them, asleep, instead of leaving, and all 4 fetch them";
        "no-level-wait" => no_level_wait,
            "a slow page beside a fast one with 18 links: within 1.35 × the time of workers that take the next page when free";
        "max-pages" => max_pages,
            "121 pages reachable: max_pages 10 gives exactly 10 requests; 1 only the start; 121 all of them";
        "edges" => edges,
            "workers = 0 panics; max_pages = 0 requests nothing; a start that 404s; a page slower than the timeout; more workers than pages";
    })
}

fn fast(n: u64) -> Route {
    Route::ok().latency(ms(n))
}

fn serve(site: &Site) -> Result<FakeServer, Outcome> {
    FakeServer::for_check(site.script(2))
}

/// `crawl` from `path` on `server`, under a real-time limit.
fn run(
    s: &FakeServer,
    path: &str,
    max: usize,
    w: usize,
    timeout: Duration,
) -> Result<Done, Outcome> {
    let start = s.url(path);
    let label = format!("crawl({start:?}, max_pages {max}, workers {w})");
    sites::call(&label, ms(5000), move || crawl(&start, max, w, timeout))
}

type Done = sites::Ran<Crawl>;

/// What every scenario says of a missing page.
const ALL: &str =
    "Every page reachable from the start through pages that answered is part of the crawl.";

/// `got` is exactly the reachable pages of `site` from `path`, each
/// requested once, the other host untouched.
fn exact(
    site: &Site,
    server: &FakeServer,
    path: &str,
    got: &Crawl,
    why: &str,
) -> Result<(), Outcome> {
    let got = Got { fetched: &got.fetched, failed: &got.failed };
    site.judge(path, got, &server.stats(), (&|p| server.url(p), &server.host_name(1)), why)
}

fn reachable_set() -> Verdict {
    let site = Site::new()
        .page("/", fast(5), ["/a", "b", "/a", "/", "http://{host:0}/c", "http://{host:1}/away"])
        .page("/a", fast(10), ["/a", "/b", "/", "/dir/d", "mailto:web@example.com", "/a#top"])
        .page("/b", fast(20), ["/c", "/hub", "b", "/missing", "/broken"])
        .page("/c", fast(5), ["/a", "http://{host:1}/", "/c#self"])
        .page("/dir/d", fast(5), ["e", "/dir/d"])
        .page("/dir/e", fast(5), ["/", "http://{host:0}/dir/d"])
        .page("/missing", Route::status(404), ["/unreached"])
        .page("/broken", Route::status(500).latency(ms(10)), ["/unreached"])
        .page("/unreached", fast(0), ["/"])
        .page("/away", fast(0), ["/"]);
    let mut hub = Site::paths("/leaf", 150);
    hub.extend((0..20).map(|i| format!("leaf/{i}")));
    let site = site
        .fan("/leaf", 150, fast(2), |i| vec![format!("/leaf/{}", (i + 7) % 150), "/hub".into()]);
    let site = site.page("/hub", fast(30), hub);
    let server = serve(&site)?;
    let done = run(&server, "/", 1000, 3, GENEROUS)?;
    exact(&site, &server, "/", &done.value, ALL)?;
    let n = site.reachable("/").len();
    Ok(pass(format!("exactly the {n} reachable pages (/missing and /broken failed), each requested once; the other host never reached"))
        .figure("requests (server-side)", server.stats().requests, format!("== {n}")))
}

fn each_page_once() -> Verdict {
    let ps = Site::paths("/p", 8);
    let links = |_| [&["/slow".to_string(), "/".into(), "/end".into()][..], &ps].concat();
    let site = Site::new().page("/", fast(0), ps.clone()).fan("/p", 8, fast(40), links);
    let site = site.page("/slow", fast(150), ["/end", "/p/3"]).page("/end", fast(0), ["/"]);
    for w in [8, 3] {
        let s = serve(&site)?;
        exact(&site, &s, "/", &run(&s, "/", 100, w, GENEROUS)?.value, ALL)?;
    }
    Ok(pass("on 8 and on 3 workers, each of the 11 pages requested exactly once, though 8 pages linked to /slow at the same moment"))
}

/// How many requests the server had in flight over time.
fn timeline(s: &FakeServer, w: usize) -> Vec<String> {
    let title = "requests in flight, counted by the server";
    kata_harness::picture::in_flight(title, &spans(&s.events()), Some(w))
}

fn bound_held() -> Verdict {
    let (w, n) = (4, 40);
    let site =
        Site::new().page("/", fast(0), Site::paths("/w", n)).fan("/w", n, fast(25), |_| vec!["/"]);
    let s = serve(&site)?;
    let done = run(&s, "/", 1000, w, GENEROUS)?;
    exact(&site, &s, "/", &done.value, ALL)?;
    let peak = s.stats().peak_in_flight;
    let shown = |o: Outcome| {
        o.figure("peak in flight (server-side)", peak, format!("== {w}")).details(timeline(&s, w))
    };
    ensure(peak <= w, || {
        shown(fail(format!(
            "the server saw {peak} requests at once on {w} workers: a thread per link is not a pool. Start \
             exactly `workers` threads and let each take the next URL from the shared frontier."
        )))
    })?;
    ensure(peak == w, || {
        shown(fail(format!(
            "the server saw at most {peak} request(s) at once though {n} pages waited for {w} workers: is the \
             lock held across the fetch, or do the workers take turns? Take a URL under the lock, then \
             release it and fetch."
        )))
    })?;
    let threads = done.threads.unwrap_or(0);
    ensure(threads <= 2 * w, || {
        shown(fail(format!(
            "crawl had {threads} threads of its own alive at once on {w} workers: a thread per link is not a \
             pool, even when only {w} of them fetch at a time. Start exactly `workers` threads."
        )))
        .figure("threads alive at once", threads, format!("<= {}", 2 * w))
    })?;
    Ok(shown(pass(format!(
        "the server saw {w} requests at once, never more; no thread was left running"
    ))))
}

fn workers_stay() -> Verdict {
    let (w, idle) = (4, ms(150));
    let site =
        Site::new().page("/", fast(0), ["/gate"]).page("/gate", fast(300), Site::paths("/g", 16));
    let site = site.fan("/g", 16, fast(40), |_| vec!["/gate"]);
    let s = serve(&site)?;
    // The process's CPU while 3 workers wait behind /gate, from 30 ms after it arrived.
    let (done, idle) = std::thread::scope(|scope| {
        let watch = scope.spawn(|| {
            let gate = || s.stats().per_path.contains_key("/gate");
            (0..400).find(|_| (std::thread::sleep(ms(5)), gate()).1)?;
            std::thread::sleep(ms(30));
            Some(watch_idle(idle))
        });
        (run(&s, "/", 1000, w, GENEROUS), watch.join().ok().flatten())
    });
    let done = done?;
    let why =
        "Did the crawl end while /gate (300 ms) was still being fetched? An empty frontier is not \
               the end while a fetch is in flight: its links are still to come.";
    exact(&site, &s, "/", &done.value, why)?;
    let peak = s.stats().peak_in_flight;
    ensure(peak == w, || {
        fail(format!(
            "behind /gate (the only link of the start, 300 ms), 16 pages waited for {w} workers, but the server \
             saw at most {peak} at once: did workers leave when they found the frontier empty? A worker that \
             finds it empty while a fetch is in flight must wait (a Condvar) for the links it brings."
        ))
        .figure("peak in flight (server-side)", peak, format!("== {w}"))
        .details(timeline(&s, w))
    })?;
    let advice = "A worker with nothing to take should wait on a Condvar (or block in recv) until \
                  a fetch brings links or the crawl ends; a loop that looks and yields (or sleeps a \
                  little) burns the cores the other workers and the rest of the machine need.";
    judge_idle(idle, "3 workers waiting while /gate was fetched", advice)?;
    Ok(pass(format!(
        "all {w} workers waited asleep through /gate, then fetched its 16 links together"
    )))
}

fn no_level_wait() -> Verdict {
    let w = 4;
    let site = Site::new().page("/", fast(20), ["/slow", "/b"]).page("/slow", fast(400), ["/"]);
    let site =
        site.page("/b", fast(20), Site::paths("/c", 18)).fan("/c", 18, fast(60), |_| vec!["/b"]);
    let (ideal, levels) = (site.ideal("/", w), site.by_levels("/", w));
    let bound = ideal.mul_f64(1.35);
    let mut best: Option<(Duration, FakeServer)> = None;
    for _ in 0..2 {
        let s = serve(&site)?;
        let done = run(&s, "/", 1000, w, GENEROUS)?;
        exact(&site, &s, "/", &done.value, ALL)?;
        if best.as_ref().is_none_or(|(took, _)| done.took < *took) {
            best = Some((done.took, s));
        }
        // A second run only forgives a hiccup near the bound, never a design.
        if best.as_ref().is_some_and(|(took, _)| *took <= bound || *took > bound * 2) {
            break;
        }
    }
    let Some((took, s)) = best else { return Err(fail("the check made no run")) };
    let ratio = took.as_secs_f64() / ideal.as_secs_f64();
    let shown = |o: Outcome| {
        o.figure("elapsed", human(took), format!("≤ 1.35 × ideal {} = {}", human(ideal), human(bound)))
            .figure("× the ideal", format!("{ratio:.2}"), "≤ 1.35")
            .detail(format!(
                "/ (20 ms) links /slow (400 ms) and /b (20 ms), which links 18 pages of 60 ms. Ideal on {w} \
                 workers: {}; a BFS that waits for each level to end: {}",
                human(ideal),
                human(levels)
            ))
            .details(timeline(&s, w))
    };
    ensure(took <= bound, || {
        let calls = spans(&s.events());
        let work = calls.iter().map(|c| c.1).max().zip(calls.iter().map(|c| c.0).min());
        let tail = work.map_or(took, |(end, start)| took.saturating_sub(end - start));
        let levelled = took.abs_diff(levels) < took.abs_diff(ideal);
        let why = match (tail > ms(100), levelled) {
            (true, _) => format!("It returned {} after the last page came back: does it wait for a quiet spell (a recv_timeout, a sleep) to decide that it is over? It is over when the frontier is empty and no fetch is in flight.", human(tail)),
            (false, by_levels) => format!("{}Do not wait for a batch or a level to end before taking the next URL: while /slow is fetched, the pages /b links to can already be fetched by the other workers.", if by_levels { "That is the time of a BFS by levels. " } else { "" }),
        };
        let (took, ideal) = (human(took), human(ideal));
        shown(fail(format!("the crawl took {took}, {ratio:.2} × the {ideal} of workers that each take the next page as soon as they are free. {why}")))
    })?;
    Ok(shown(pass(format!("{ratio:.2} × the ideal; by levels it would take {}", human(levels)))))
}

fn max_pages() -> Verdict {
    let site = Site::new().page("/", fast(0), Site::paths("/m", 60));
    // Each page links to the other host first: that link must not take a unit of the budget.
    let away = |i| format!("http://{{host:1}}/m/{i}");
    let site = site.fan("/m", 60, fast(5), |i| {
        vec![away(i), "/".into(), format!("/m/{}", (i + 1) % 60), format!("/deep/{i}")]
    });
    let site = site.fan("/deep", 60, fast(0), |_| vec!["/m/0"]);
    let reachable = site.reachable("/").len();
    for (max, w) in [(10, 8), (1, 3), (reachable, 4)] {
        let s = serve(&site)?;
        let got = run(&s, "/", max, w, GENEROUS)?.value;
        let stats = s.stats();
        each_once(&stats)?;
        let asked: BTreeSet<String> = stats.per_path.keys().map(|p| s.url(p)).collect();
        let listed: BTreeSet<String> = got.fetched.union(&got.failed).cloned().collect();
        ensure(stats.requests == max, || {
            fail(format!(
                "with max_pages {max} and {reachable} pages reachable, the server received {} requests: make \
                 exactly min(max_pages, reachable) requests. Take one unit of the budget in the same locked \
                 step that lets a new same-host URL in (checking a count and adding to it later lets several workers through).",
                stats.requests
            ))
            .figure("requests (server-side)", stats.requests, format!("== {max}"))
        })?;
        ensure(stats.per_host.get(&s.host_name(1)) == Some(&0), || {
            fail("a link to the other host was followed: only links on the start's host:port are; filter with `host(link) == host(start)` first")
        })?;
        ensure(listed == asked, || {
            fail(format!(
                "with max_pages {max}, the crawl lists {} URLs, but the server received {}: list exactly \
                 the URLs you requested, each in `fetched` or `failed`",
                listed.len(),
                asked.len()
            ))
        })?;
    }
    Ok(pass(format!(
        "max_pages 10 (8 workers): 10 requests; 1: the start alone; {reachable}: every page"
    )))
}

fn edges() -> Verdict {
    let site = Site::new()
        .page("/", fast(0), ["/slow", "/ok"])
        .page("/slow", fast(1500), ["/ok"])
        .page("/ok", fast(0), ["/"])
        .page("/gone", Route::status(404), ["/ok"])
        .page("/alone", fast(0), ["/alone"]);
    let s = serve(&site)?;
    let start = s.url("/");
    let zero = move || catch_unwind(AssertUnwindSafe(|| crawl(&start, 5, 0, GENEROUS)));
    let zero = within(ms(3000), "crawl with workers = 0", zero).map_err(|_| {
        fail("crawl with workers = 0 did not return: it must panic (`assert!(workers > 0)`), as no worker could ever fetch")
    })?;
    match zero {
        Err(panic) if is_todo(&*panic) => std::panic::resume_unwind(panic),
        Err(_) => {}
        Ok(got) => {
            return Err(fail(format!(
                "crawl with workers = 0 returned {got:?}: it must panic (`assert!(workers > 0)`)"
            )))
        }
    }
    s.reset();
    let got = run(&s, "/", 0, 3, GENEROUS)?.value;
    let requests = s.stats().requests;
    ensure(got == Crawl::default() && requests == 0, || {
        fail(format!("max_pages = 0 must request nothing and return an empty Crawl; the server received {requests}, the crawl is {got:?}"))
    })?;
    for path in ["/gone", "/alone"] {
        s.reset();
        let why = "The start page is always requested (when max_pages > 0).";
        exact(&site, &s, path, &run(&s, path, 50, 8, GENEROUS)?.value, why)?;
    }
    s.reset();
    let timeout = ms(250);
    let done = run(&s, "/", 50, 2, timeout)?;
    let want = |paths: &[&str]| -> BTreeSet<String> { paths.iter().map(|p| s.url(p)).collect() };
    let (fetched, failed) = (want(&["/", "/ok"]), want(&["/slow"]));
    ensure(done.value.fetched == fetched && done.value.failed == failed, || {
        fail(format!(
            "/slow answers after 1.5 s and the timeout was {}: the crawl must fetch / and /ok and list /slow in \
             `failed`, but it gave {:?} (in {}). Pass `timeout` to `agent(timeout)`.",
            human(timeout),
            done.value,
            human(done.took)
        ))
    })?;
    each_once(&s.stats())?;
    Ok(pass("workers = 0 panicked; max_pages = 0 asked nothing; a 404 start is the one failed page; /slow timed out; 8 workers on one page returned"))
}
