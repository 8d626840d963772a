//! Sliding-window arithmetic on instants written as milliseconds from a
//! run's start: the specification a rate limiter's answers are compared
//! with, and the figures its messages quote.
//!
//! [`Log`] is the sliding log: a call at `t` is granted when fewer than
//! `rate` grants lie in `(t - window, t]` (half-open: a grant `window` old
//! is out), and a `t` earlier than the latest one given is taken as that
//! one. [`first_difference`] replays a sequence of calls and says where a
//! limiter's answers first part from the log's, with what the log held
//! there; [`densest`] is the most grants a limiter made within one window;
//! [`earliest`] the instants at which waiters that arrive at given times are
//! granted when no slot ever stays free while one waits.

use crate::measure::max_in_window;
use std::collections::VecDeque;
use std::time::Duration;

/// The sliding log of a limiter of `rate` grants per `window` ms.
#[derive(Debug, Clone)]
pub struct Log {
    pub rate: usize,
    pub window: u64,
    /// The grants in the window at `latest`, oldest first.
    pub grants: VecDeque<u64>,
    /// The latest instant given (the log's clock never goes back).
    pub latest: u64,
    /// Every grant made, in order.
    pub all: Vec<u64>,
}

impl Log {
    pub fn new(rate: usize, window: u64) -> Log {
        Log { rate, window, grants: VecDeque::new(), latest: 0, all: Vec::new() }
    }

    /// Forgets the grants out of the window at `t` (at least the latest
    /// instant); returns that instant.
    fn advance(&mut self, t: u64) -> u64 {
        let t = t.max(self.latest);
        self.latest = t;
        while self.grants.front().is_some_and(|&g| g + self.window <= t) {
            self.grants.pop_front();
        }
        t
    }

    /// The answer to a call at `t`.
    pub fn grant(&mut self, t: u64) -> bool {
        let t = self.advance(t);
        let free = self.grants.len() < self.rate;
        if free {
            self.grants.push_back(t);
            self.all.push(t);
        }
        free
    }
}

/// Where a limiter's answers first differ from the log's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The call's index in the sequence.
    pub call: usize,
    /// The instant it was judged at (its own, or the latest before it).
    pub at: u64,
    /// Its own instant was earlier than the latest one given before it.
    pub stale: bool,
    /// What the log answers (the limiter said the other).
    pub want: bool,
    /// The grants in the window at `at`, before the call.
    pub held: Vec<u64>,
    /// A grant exactly one window before `at` (just out of the window).
    pub one_window_before: bool,
}

impl Difference {
    /// The calls up to this one, as a message tells them: "calls in this
    /// order: 0 ms granted, 99 ms granted; the call at 99 ms should have
    /// been refused".
    pub fn story(&self, times: &[u64], got: &[bool]) -> String {
        let said = |g: bool| ["refused", "granted"][usize::from(g)];
        let calls: Vec<String> =
            (0..=self.call).map(|k| format!("{} ms {}", times[k], said(got[k]))).collect();
        let (call, want) = (times[self.call], said(self.want));
        format!(
            "calls in this order: {}; the call at {call} ms should have been {want}",
            calls.join(", ")
        )
    }

    /// The first call before this one that was granted with a `now` older
    /// than the latest one given before it: `(its now, that latest)`. The
    /// log counts its grant from the latest; a limiter that counts it from
    /// its own `now` forgets it too early.
    pub fn late_grant(&self, times: &[u64], got: &[bool]) -> Option<(u64, u64)> {
        let latest = |k: usize| times[..k].iter().max().copied().unwrap_or(0);
        (0..self.call).find(|&k| got[k] && times[k] < latest(k)).map(|k| (times[k], latest(k)))
    }
}

/// The first call of `times` (ms) that `got` answers otherwise than the log
/// of `rate` per `window` ms, or `None` if none does.
pub fn first_difference(
    rate: usize,
    window: u64,
    times: &[u64],
    got: &[bool],
) -> Option<Difference> {
    let mut log = Log::new(rate, window);
    for (call, (&t, &said)) in times.iter().zip(got).enumerate() {
        let mut before = log.clone();
        let want = log.grant(t);
        if want != said {
            let at = before.advance(t);
            return Some(Difference {
                call,
                at,
                stale: t < at,
                want,
                held: before.grants.into_iter().collect(),
                one_window_before: at >= window && before.all.contains(&(at - window)),
            });
        }
    }
    None
}

/// The most of the `granted` calls at `times` (ms) within one window
/// `[t, t + window)` ([`crate::measure::max_in_window`] on the grants).
pub fn densest(times: &[u64], granted: &[bool], window: u64) -> usize {
    let mut grants: Vec<Duration> =
        times.iter().zip(granted).filter(|(_, &g)| g).map(|(&t, _)| crate::ms(t)).collect();
    grants.sort_unstable();
    max_in_window(&grants, crate::ms(window))
}

/// The grant instants of waiters arriving at `arrivals` (ms, in order), each
/// served as early as the window allows, in arrival order. Any order of
/// service that never leaves a slot free while a waiter waits grants at
/// the same instants.
pub fn earliest(rate: usize, window: u64, arrivals: &[u64]) -> Vec<u64> {
    let mut grants: Vec<u64> = Vec::new();
    for &a in arrivals {
        let slot = grants.len().checked_sub(rate).map_or(0, |k| grants[k] + window);
        grants.push(a.max(slot).max(grants.last().copied().unwrap_or(0)));
    }
    grants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_half_open_and_never_goes_back() {
        let mut log = Log::new(2, 100);
        let answers: Vec<bool> = [0, 0, 0, 99, 100, 100, 50].map(|t| log.grant(t)).to_vec();
        assert_eq!(answers, [true, true, false, false, true, true, false]);
        assert_eq!(log.all, [0, 0, 100, 100]);
        assert_eq!(log.latest, 100);
    }

    #[test]
    fn the_first_difference_says_what_the_log_held() {
        let times = [0, 99, 100, 100];
        assert_eq!(first_difference(1, 100, &times, &[true, false, true, false]), None);
        let closed = first_difference(1, 100, &times, &[true, false, false, false]).unwrap();
        assert_eq!((closed.call, closed.at, closed.want), (2, 100, true));
        assert!(closed.one_window_before && !closed.stale && closed.held.is_empty());
        let story = closed.story(&times, &[true, false, false, false]);
        assert!(story.ends_with("100 ms refused; the call at 100 ms should have been granted"));
        let fixed = first_difference(1, 100, &[0, 99], &[true, true]).unwrap();
        assert_eq!((fixed.call, fixed.held.clone(), fixed.want), (1, vec![0], false));
        let back = first_difference(2, 100, &[0, 150, 120], &[true, true, false]).unwrap();
        assert_eq!((back.at, back.stale, back.want), (150, true, true));
        let (times, got) = ([0, 150, 120, 220], [true, true, true, true]);
        let forgot = first_difference(2, 100, &times, &got).unwrap();
        assert_eq!((forgot.call, forgot.late_grant(&times, &got)), (3, Some((120, 150))));
        assert_eq!(fixed.late_grant(&[0, 99], &[true, true]), None);
    }

    #[test]
    fn densest_and_earliest() {
        assert_eq!(densest(&[0, 99, 99, 100, 100], &[true, true, false, true, true], 100), 3);
        assert_eq!(earliest(2, 100, &[0, 0, 0, 30, 250, 260]), [0, 0, 100, 100, 250, 260]);
        assert_eq!(earliest(1, 100, &[0, 0, 150, 160]), [0, 100, 200, 300]);
    }
}
