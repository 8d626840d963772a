//! Judging a run of a client that promised limits (at most so many in
//! flight, so many per host, so many starts per window, near the ideal
//! time): [`Kept`] reads what the service saw against them, says which was
//! [`Broken`] first, and gives every figure for a pass and a failure alike.
//! What each broken limit *means* is the exercise's to say.

use super::ideal::IdealLimits;
use super::meter::Stats;
use crate::measure::max_in_window;
use crate::protocol::human_duration;
use crate::{fail, pass, Outcome, Verdict};
use std::time::Duration;

/// The first limit a run broke, in the order they are judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// More in flight at once than the cap.
    InFlight,
    /// More in flight at once on `host` than its cap.
    Host { host: String, peak: usize },
    /// More starts within one window than the rate.
    Rate,
    /// Slower than the bound.
    Time,
}

/// What the service saw of one run, beside the limits it was held to.
#[derive(Clone, Debug)]
pub struct Kept {
    pub limits: IdealLimits,
    /// The most in flight at once, and per host (host, peak), the worst.
    pub peak: usize,
    pub host_peak: (String, usize),
    /// The most starts within any window of the rate (none without one).
    pub most: Option<usize>,
    /// The run's time, the ideal and the bound, if time is judged.
    pub time: Option<(Duration, Duration, Duration)>,
    /// Whose count it is: "fake's side", "server-side".
    side: &'static str,
}

impl Kept {
    /// `stats` and the `starts` of every call (retries included), counted
    /// on `side`, against `limits`.
    pub fn new(
        limits: IdealLimits,
        stats: &Stats,
        starts: &[Duration],
        side: &'static str,
    ) -> Kept {
        let host_peak = stats
            .peak_per_host
            .iter()
            .max_by_key(|(_, &peak)| peak)
            .map_or((String::new(), 0), |(host, &peak)| (host.clone(), peak));
        Kept {
            limits,
            peak: stats.peak_in_flight,
            host_peak,
            most: limits.rate.map(|(_, window)| max_in_window(starts, window)),
            time: None,
            side,
        }
    }

    /// Judge time too: `elapsed` against `bound`, beside `ideal`.
    pub fn timed(mut self, elapsed: Duration, ideal: Duration, bound: Duration) -> Kept {
        self.time = Some((elapsed, ideal, bound));
        self
    }

    /// The first limit broken: the caps (a host's first where its cap is
    /// the tighter), then the rate, then the time.
    pub fn broken(&self) -> Option<Broken> {
        let IdealLimits { concurrency, per_host, rate } = self.limits;
        let (host, peak) = &self.host_peak;
        let on_host = || Broken::Host { host: host.clone(), peak: *peak };
        if per_host < concurrency && *peak > per_host {
            Some(on_host())
        } else if self.peak > concurrency {
            Some(Broken::InFlight)
        } else if *peak > per_host {
            Some(on_host())
        } else if rate.zip(self.most).is_some_and(|((max, _), most)| most > max) {
            Some(Broken::Rate)
        } else if self.time.is_some_and(|(elapsed, _, bound)| elapsed > bound) {
            Some(Broken::Time)
        } else {
            None
        }
    }

    /// The verdict: a failure with what `say` makes of the first limit
    /// broken (or [`Kept::plainly`], if it says nothing), else a pass with
    /// `passed`; every figure and `details` either way.
    ///
    /// # Errors
    /// A limit was broken.
    pub fn verdict(
        &self,
        details: Vec<String>,
        say: impl Fn(&Broken, &Kept) -> Option<String>,
        passed: String,
    ) -> Verdict {
        match self.broken() {
            None => Ok(self.figures(pass(passed)).details(details)),
            Some(broken) => {
                let message = say(&broken, self).unwrap_or_else(|| self.plainly(&broken));
                Err(self.figures(fail(message)).details(details))
            }
        }
    }

    /// A broken limit, said plainly.
    pub fn plainly(&self, broken: &Broken) -> String {
        let IdealLimits { concurrency, per_host, rate } = self.limits;
        let (max, window) = rate.unwrap_or((0, Duration::ZERO));
        let (elapsed, ideal, _) = self.time.unwrap_or_default();
        match broken {
            Broken::InFlight => format!(
                "{} requests were in flight at once, but concurrency is {concurrency}",
                self.peak
            ),
            Broken::Host { host, peak } => {
                format!("{host} had {peak} requests in flight at once, but per_host is {per_host}")
            }
            Broken::Rate => format!(
                "{} requests started within one window of {}, but the rate is {max} per window",
                self.most.unwrap_or(0),
                human_duration(window)
            ),
            Broken::Time => format!(
                "that took {}; the limits allow {}: keep every slot busy",
                human_duration(elapsed),
                human_duration(ideal)
            ),
        }
    }

    /// Every figure: the peaks, the starts per window, the time.
    pub fn figures(&self, mut o: Outcome) -> Outcome {
        let side = self.side;
        o = o.figure(
            format!("peak in flight ({side})"),
            self.peak,
            format!("≤ {}", self.limits.concurrency),
        );
        if self.limits.per_host < self.limits.concurrency {
            let (host, peak) = &self.host_peak;
            o = o.figure(
                format!("peak in flight on one host ({host}, {side})"),
                *peak,
                format!("≤ {}", self.limits.per_host),
            );
        }
        if let (Some((max, window)), Some(most)) = (self.limits.rate, self.most) {
            o = o.figure(
                format!("most starts within any {} ({side})", human_duration(window)),
                most,
                format!("≤ {max}"),
            );
        }
        if let Some((elapsed, ideal, bound)) = self.time {
            o = o.figure(
                "time",
                human_duration(elapsed),
                format!("≤ {} (ideal {})", human_duration(bound), human_duration(ideal)),
            );
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use crate::ms;

    #[test]
    fn the_first_limit_broken_is_named() {
        let limits = IdealLimits { concurrency: 4, per_host: 2, rate: Some((2, ms(1000))) };
        let stats = |peak: usize, host: usize| Stats {
            peak_in_flight: peak,
            peak_per_host: BTreeMap::from([("a".to_owned(), host), ("b".to_owned(), 1)]),
            ..Stats::default()
        };
        let starts = [ms(0), ms(100), ms(900)];
        let kept = |peak, host| Kept::new(limits, &stats(peak, host), &starts, "fake's side");
        assert_eq!(kept(5, 2).broken(), Some(Broken::InFlight));
        // A host's cap is the tighter one: judged first.
        assert_eq!(kept(5, 3).broken(), Some(Broken::Host { host: "a".into(), peak: 3 }));
        assert_eq!(kept(4, 2).broken(), Some(Broken::Rate));
        let calm = Kept::new(limits, &stats(2, 2), &starts[..2], "fake's side");
        assert_eq!(calm.broken(), None);
        assert_eq!(calm.clone().timed(ms(1100), ms(1000), ms(1050)).broken(), Some(Broken::Time));
        let figures = calm.timed(ms(1000), ms(1000), ms(1050)).figures(crate::pass("ok")).figures;
        assert_eq!(figures.len(), 4);
    }
}
