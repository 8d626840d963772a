//! What the checks of I/O-bound exercises are written with (feature
//! `async`): one fake service and the runners to point learner code at it.
//!
//! - The service: a [`Script`] says how each path answers ([`Route`]:
//!   status, latency, a few `429`s first) and whether a sliding-window rate
//!   limit meters every call; the [`Meter`] counts, from the service's own
//!   side, every call's arrival and end, the peak in flight overall and per
//!   host, and answers `429` (with `Retry-After` and `x-retry-after-ms`)
//!   where the script says. Two transports share it: the in-process
//!   [`FakeService`], on the runtime's clock, and `kata_fakes::FakeServer`,
//!   real HTTP on 127.0.0.1.
//! - The runners: [`run_paused`] (tokio's paused clock: exact virtual
//!   times, no real waiting) and [`run_loopback`] (the real clock, for real
//!   sockets), both on [`crate::on_thread`] under a real-time limit; and
//!   [`on_runtimes`], one-thread runtimes on several threads at once, for
//!   shared state that real parallelism must not break.
//! - The check's side: [`Arrivals`] hands items over at chosen times,
//!   [`Departures`] notes when requests leave the code under test,
//!   [`Stalls`] how long the runtime's thread was held up meanwhile.
//! - The yardstick: [`ideal_time`] under the limits, and the [`Design`]s
//!   that waste slots, to name the one a time matches; [`Kept`] judges a
//!   run against the limits and says which was [`Broken`] first.
//!
//! Nothing the code under test reports about itself is trusted: what is
//! judged is what the meter saw.

mod arrivals;
mod fake;
mod ideal;
mod judge;
mod meter;
mod run;
mod runtimes;
mod script;

pub use crate::measure::max_in_window;
pub use arrivals::{hold_up, Arrivals, Departures, Stalls};
pub use fake::{split_url, FakeService, Reply};
pub use ideal::{ideal_time, jobs, jobs_of, schedule, Design, IdealLimits, Job};
pub use judge::{Broken, Kept};
pub use meter::{most_within, per_window, spans, starts, Answer, Call, Meter, Stats, Visit};
pub use run::{
    loopback_runtime, paused_runtime, run_loopback, run_on, run_paused, Clock, Run, Stopwatch,
};
pub use runtimes::on_runtimes;
pub use script::{body_for, normalize_path, one_result_each, Rate, Route, Script};

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use crate::ms;

    #[test]
    fn a_busy_route_and_the_rate_limit_answer_429_on_the_paused_clock() {
        let run = run_paused(ms(5000), "calls", || async {
            let fake = FakeService::new(
                Script::new().rate_limit(2, ms(1000)).route("/busy", Route::ok().busy(1, ms(1500))),
            );
            let busy = fake.get("http://h/busy?x").await;
            let a = fake.call("h", "/a").await;
            let b = fake.call("h", "/busy").await;
            let c = fake.call("h", "/c").await;
            tokio::time::sleep(ms(1000)).await;
            let d = fake.call("h", "/d").await;
            (busy, [a, b, c, d].map(|r| r.status), fake.stats(), fake.calls())
        })
        .unwrap();
        let (busy, statuses, stats, calls) = run.value;
        assert_eq!(busy.status, 429);
        assert!(busy.headers.contains(&("retry-after".into(), "2".into())));
        assert!(busy.headers.contains(&("x-retry-after-ms".into(), "1500".into())));
        // The busy route's 429 takes no slot of the rate; /c finds the
        // window full until /a and /busy leave it, one window later.
        assert_eq!(statuses, [200, 200, 429, 200]);
        let told: Vec<Option<Duration>> = calls.iter().map(|c| c.retry_after).collect();
        assert_eq!(told, [Some(ms(1500)), None, None, Some(ms(1000)), None]);
        assert_eq!((stats.rate_limited, stats.max_in_window), (2, 2));
        assert_eq!(most_within(&calls, ms(1000)), 4);
        assert_eq!(per_window(&starts(&calls), ms(1000)), "4 1");
    }
}
