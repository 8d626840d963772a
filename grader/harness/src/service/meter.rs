//! The fake service's side of every call, whichever transport brought it:
//! the [`Meter`] counts the call in (per path, per host, in flight),
//! decides on it (a busy route's `429`, the sliding-window rate limit's
//! `429`, or the scripted [`Answer`]) and, when its [`Visit`] ends, records
//! it as a [`Call`]. Checks judge what the meter saw, never what the code
//! under test reports.
//!
//! Every time is read on tokio's clock in the context of the call (virtual
//! on a paused runtime, real elsewhere), as time since the meter's epoch.

use super::script::{body_for, Rate, Route, Script};
use crate::measure::max_in_window;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// One call the service received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The host it was sent to (over HTTP, `127.0.0.1:PORT`).
    pub host: String,
    /// Its path (query string excluded).
    pub path: String,
    /// When it arrived (and its handling started), since the epoch.
    pub start: Duration,
    /// When it was answered, or abandoned because the caller went away.
    pub end: Duration,
    /// The status answered (or that would have been).
    pub status: u16,
    /// For a `429`, the wait its headers said.
    pub retry_after: Option<Duration>,
}

/// A snapshot of what the meter counted since it started or was reset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every call received, `429`s included.
    pub requests: usize,
    /// The most calls in progress at once, across hosts (exact).
    pub peak_in_flight: usize,
    /// Calls per path.
    pub per_path: BTreeMap<String, usize>,
    /// Calls per host; over HTTP every host has an entry, `0` if unused.
    pub per_host: BTreeMap<String, usize>,
    /// The most calls in progress at once per host.
    pub peak_per_host: BTreeMap<String, usize>,
    /// Calls answered `429` (by a busy route or the rate limit).
    pub rate_limited: usize,
    /// The most accepted calls that started within any window of the rate
    /// limit (half-open); `0` when the script has none.
    pub max_in_window: usize,
}

/// What the service answers one call: after `latency`, `status` with
/// `headers` (lowercase names) and `body`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub latency: Duration,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    fn scripted(route: Route, path: &str) -> Answer {
        Answer {
            status: route.status,
            latency: route.latency,
            headers: Vec::new(),
            body: route.body.unwrap_or_else(|| body_for(path)),
        }
    }

    /// The immediate `429`, saying when to come back in whole seconds
    /// (`Retry-After`) and in milliseconds (`x-retry-after-ms`), both
    /// rounded up and at least 1.
    fn too_many_requests(wait: Duration) -> Answer {
        let header =
            |name: &str, unit: Duration| (name.to_owned(), ceil_units(wait, unit).to_string());
        Answer {
            status: 429,
            latency: Duration::ZERO,
            headers: vec![
                header("retry-after", Duration::from_secs(1)),
                header("x-retry-after-ms", Duration::from_millis(1)),
            ],
            body: "kata: rate limited".into(),
        }
    }
}

/// The service's counters, shared by every transport's handlers and the
/// check. Cloning shares them.
#[derive(Clone)]
pub struct Meter {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Meter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meter").field("script", &self.inner.script).finish_non_exhaustive()
    }
}

struct Inner {
    script: Script,
    epoch: Instant,
    state: Mutex<State>,
}

/// Everything that changes, under one lock, so that counts and peaks are
/// exact.
#[derive(Default)]
struct State {
    /// Bumped by every reset: calls that arrived before it are not recorded.
    generation: u64,
    next_seq: u64,
    requests: usize,
    rate_limited: usize,
    in_flight: usize,
    peak: usize,
    per_path: BTreeMap<String, usize>,
    hosts: BTreeMap<String, Host>,
    /// Accepted starts still inside the rate's window, oldest first.
    window: VecDeque<Duration>,
    /// Every accepted start since the reset, in order.
    accepted: Vec<Duration>,
    /// Ended calls with their arrival order.
    calls: Vec<(u64, Call)>,
}

#[derive(Clone, Copy, Default)]
struct Host {
    requests: usize,
    now: usize,
    peak: usize,
}

impl Meter {
    /// A meter of `script` whose times count from `epoch`.
    pub fn new(script: Script, epoch: Instant) -> Meter {
        Meter { inner: Arc::new(Inner { script, epoch, state: Mutex::new(State::default()) }) }
    }

    /// Give each of `hosts` an entry in the per-host counts from the start.
    pub fn with_hosts<S: Into<String>>(self, hosts: impl IntoIterator<Item = S>) -> Meter {
        {
            let mut st = self.lock();
            for host in hosts {
                st.hosts.entry(host.into()).or_default();
            }
        }
        self
    }

    pub fn script(&self) -> &Script {
        &self.inner.script
    }

    /// Where the meter's times count from.
    pub fn epoch(&self) -> Instant {
        self.inner.epoch
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves nothing half-updated that
        // matters more than losing the counts would.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A call to `path` on `host` arrives now: count it in, decide on it.
    /// The transport waits the answer's latency, answers, and then ends the
    /// visit ([`Visit::answered`]); a visit dropped before (the caller went
    /// away) ends with the status it would have had.
    pub fn arrive(&self, host: &str, path: &str) -> (Visit, Answer) {
        let route = self.inner.script.route_for(path);
        let mut st = self.lock();
        // Read under the lock, so that accepted starts are in order.
        let start = self.inner.epoch.elapsed();
        st.requests += 1;
        st.in_flight += 1;
        st.peak = st.peak.max(st.in_flight);
        let seen = {
            let n = st.per_path.entry(path.to_owned()).or_insert(0);
            *n += 1;
            *n
        };
        let h = st.hosts.entry(host.to_owned()).or_default();
        h.requests += 1;
        h.now += 1;
        h.peak = h.peak.max(h.now);
        let refused = if seen <= route.busy {
            Some(route.busy_wait)
        } else {
            st.admit(self.inner.script.rate(), start).err()
        };
        let answer = match refused {
            Some(wait) => {
                st.rate_limited += 1;
                Answer::too_many_requests(wait)
            }
            None => Answer::scripted(route, path),
        };
        let visit = Visit {
            meter: self.clone(),
            seq: st.next_seq,
            generation: st.generation,
            host: host.to_owned(),
            path: path.to_owned(),
            start,
            status: answer.status,
            retry_after: refused,
        };
        st.next_seq += 1;
        (visit, answer)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let st = self.lock();
        let max_in_window = match self.inner.script.rate() {
            Some(rate) => max_in_window(&st.accepted, rate.window),
            None => 0,
        };
        Stats {
            requests: st.requests,
            peak_in_flight: st.peak,
            per_path: st.per_path.clone(),
            per_host: st.hosts.iter().map(|(k, h)| (k.clone(), h.requests)).collect(),
            peak_per_host: st.hosts.iter().map(|(k, h)| (k.clone(), h.peak)).collect(),
            rate_limited: st.rate_limited,
            max_in_window,
        }
    }

    /// Every call that has ended since the start or the reset, in the order
    /// they arrived. A call still in progress is not in it yet.
    pub fn calls(&self) -> Vec<Call> {
        let mut calls = self.lock().calls.clone();
        calls.sort_by_key(|(seq, _)| *seq);
        calls.into_iter().map(|(_, call)| call).collect()
    }

    /// Zero the counts, the calls and the rate limit's memory, between the
    /// phases of one check. Calls still in progress stay in the in-flight
    /// gauges (so a peak counts them if they overlap new ones) but are not
    /// recorded when they end.
    pub fn reset(&self) {
        let mut st = self.lock();
        let hosts = st
            .hosts
            .iter()
            .map(|(k, h)| (k.clone(), Host { now: h.now, ..Host::default() }))
            .collect();
        *st = State {
            generation: st.generation + 1,
            next_seq: st.next_seq,
            in_flight: st.in_flight,
            hosts,
            ..State::default()
        };
    }
}

impl State {
    /// The rate limit's verdict on a start at `now`: accepted (and
    /// recorded), or how long until a slot frees.
    fn admit(&mut self, rate: Option<Rate>, now: Duration) -> Result<(), Duration> {
        if let Some(rate) = rate {
            while self
                .window
                .front()
                .is_some_and(|&oldest| now.saturating_sub(oldest) >= rate.window)
            {
                self.window.pop_front();
            }
            if self.window.len() >= rate.max {
                // A slot frees when enough of the oldest starts have left
                // the window: with `max` slots, the one at `len - max` is the
                // last that must leave. `max == 0` never accepts: a window.
                return Err(match self.window.len().checked_sub(rate.max) {
                    Some(i) if rate.max > 0 => (self.window[i] + rate.window).saturating_sub(now),
                    _ => rate.window,
                });
            }
            self.window.push_back(now);
        }
        self.accepted.push(now);
        Ok(())
    }
}

/// One call in progress: in the gauges until it ends, then recorded.
pub struct Visit {
    meter: Meter,
    seq: u64,
    generation: u64,
    host: String,
    path: String,
    start: Duration,
    status: u16,
    retry_after: Option<Duration>,
}

impl Visit {
    /// The call was answered `status` (the planned one, unless the
    /// transport could not send it).
    pub fn answered(mut self, status: u16) {
        self.status = status;
    }

    /// When the call arrived, since the meter's epoch.
    pub fn start(&self) -> Duration {
        self.start
    }
}

impl Drop for Visit {
    fn drop(&mut self) {
        let end = self.meter.inner.epoch.elapsed();
        let mut st = self.meter.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
        if let Some(h) = st.hosts.get_mut(&self.host) {
            h.now = h.now.saturating_sub(1);
        }
        if st.generation == self.generation {
            let call = Call {
                host: std::mem::take(&mut self.host),
                path: std::mem::take(&mut self.path),
                start: self.start,
                end,
                status: self.status,
                retry_after: self.retry_after,
            };
            st.calls.push((self.seq, call));
        }
    }
}

/// `d` in whole `unit`s, rounded up, and at least 1.
fn ceil_units(d: Duration, unit: Duration) -> u64 {
    let units = d.as_nanos().div_ceil(unit.as_nanos()).max(1);
    u64::try_from(units).unwrap_or(u64::MAX)
}

/// Each call's (start, end), for timelines.
pub fn spans(calls: &[Call]) -> Vec<(Duration, Duration)> {
    calls.iter().map(|c| (c.start, c.end)).collect()
}

/// The most calls (all of them, `429`s included: a retry is a request) that
/// started within any half-open interval of length `window`.
pub fn most_within(calls: &[Call], window: Duration) -> usize {
    max_in_window(&starts(calls), window)
}

/// How many of `starts` fell in each window-long step from the epoch, e.g.
/// `5 5 5 0 5` for starts per second.
pub fn per_window(starts: &[Duration], window: Duration) -> String {
    let step = |t: Duration| usize::try_from(t.as_nanos() / window.as_nanos().max(1)).unwrap_or(0);
    let Some(last) = starts.iter().copied().max() else {
        return "none".into();
    };
    let mut counts = vec![0usize; step(last) + 1];
    for &t in starts {
        counts[step(t)] += 1;
    }
    let counts: Vec<String> = counts.iter().map(ToString::to_string).collect();
    counts.join(" ")
}

/// The starts of `calls`, in order.
pub fn starts(calls: &[Call]) -> Vec<Duration> {
    let mut starts: Vec<Duration> = calls.iter().map(|c| c.start).collect();
    starts.sort_unstable();
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    #[test]
    fn ceil_units_rounds_up_and_is_at_least_one() {
        let s = Duration::from_secs(1);
        assert_eq!(ceil_units(Duration::ZERO, s), 1);
        assert_eq!(ceil_units(ms(1000), s), 1);
        assert_eq!(ceil_units(ms(1001), s), 2);
        assert_eq!(ceil_units(Duration::from_nanos(1_000_001), ms(1)), 2);
    }

    #[test]
    fn admit_slides_and_says_when_a_slot_frees() {
        let rate = Some(Rate { max: 2, window: ms(1000) });
        let mut st = State::default();
        assert_eq!(st.admit(rate, ms(0)), Ok(()));
        assert_eq!(st.admit(rate, ms(300)), Ok(()));
        assert_eq!(st.admit(rate, ms(400)), Err(ms(600)));
        // The first start leaves the window at exactly one window.
        assert_eq!(st.admit(rate, ms(1000)), Ok(()));
        assert_eq!(st.admit(rate, ms(1000)), Err(ms(300)));
        assert_eq!(st.accepted, vec![ms(0), ms(300), ms(1000)]);
        let never = Some(Rate { max: 0, window: ms(250) });
        assert_eq!(State::default().admit(never, ms(0)), Err(ms(250)));
        let mut free = State::default();
        assert_eq!(free.admit(None, ms(5)), Ok(()));
        assert_eq!(free.accepted, vec![ms(5)]);
    }

    #[test]
    fn a_429_says_its_wait_in_seconds_and_milliseconds() {
        let answer = Answer::too_many_requests(ms(1500));
        assert_eq!(answer.status, 429);
        assert_eq!(
            answer.headers,
            vec![
                ("retry-after".to_owned(), "2".to_owned()),
                ("x-retry-after-ms".to_owned(), "1500".to_owned())
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn visits_count_peaks_per_host_and_end_as_calls() {
        let meter =
            Meter::new(Script::new().route("/busy", Route::ok().busy(1, ms(700))), Instant::now())
                .with_hosts(["idle"]);
        let (a, _) = meter.arrive("h", "/a");
        tokio::time::sleep(ms(10)).await;
        let (b, answer) = meter.arrive("h", "/busy");
        assert_eq!((answer.status, answer.latency), (429, Duration::ZERO));
        drop(b);
        a.answered(200);
        let (c, answer) = meter.arrive("h", "/busy");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, body_for("/busy"));
        let stats = meter.stats();
        assert_eq!((stats.requests, stats.peak_in_flight, stats.rate_limited), (3, 2, 1));
        assert_eq!(stats.per_host["idle"], 0);
        assert_eq!(stats.peak_per_host["h"], 2);
        // `c` is still in progress: not a call yet, and a reset forgets it.
        let calls = meter.calls();
        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].path.as_str(), calls[0].end), ("/a", ms(10)));
        assert_eq!(calls[1].retry_after, Some(ms(700)));
        meter.reset();
        drop(c);
        assert!(meter.calls().is_empty());
        let (d, _) = meter.arrive("h", "/d");
        assert_eq!(meter.stats().peak_in_flight, 1);
        drop(d);
        assert_eq!(most_within(&meter.calls(), ms(1)), 1);
    }
}
