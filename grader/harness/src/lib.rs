//! The harness every exercise's hidden checks are written with.
//!
//! A checks crate is a small binary: its `main` hands a list of [`Check`]s to
//! [`main`]. The grader never links learner code into itself; it runs that
//! binary once to list the checks and then once per check, each in its own
//! process with a time limit, and reads the [`protocol::Outcome`] the check
//! sent over the result channel the grader handed it. A check that never writes one (because learner code called
//! `process::exit`, aborted or hung) has not passed, whatever its exit code.
//!
//! Run a checks binary by hand with no arguments to see every check's verdict
//! in one process, which is handy while writing checks.

pub mod allocs;
// Only with the `cpu` feature: built on [`waiting`].
#[cfg(feature = "cpu")]
pub mod blocked;
pub mod bounds;
#[cfg(feature = "cpu")]
pub mod calibrate;
// Only with the `model` feature (thread ids are the facade's) and the
// `cpu` feature (idle consumers' CPU).
#[cfg(all(feature = "model", feature = "cpu"))]
pub mod consumers;
#[cfg(feature = "model")]
pub mod contention;
#[cfg(feature = "cpu")]
pub mod cpu;
pub mod drops;
pub mod footprint;
// Only with the `async` feature: the check's own jobs, noting their start, end and drop.
#[cfg(feature = "async")]
pub mod group;
pub mod histories;
pub mod inside;
pub mod judge;
pub mod limit;
pub mod linearizable;
// Lock-free tools (allocators, counts, flags) on the facade's atomics:
// scenarios that run on real threads and under the model checker alike.
#[cfg(feature = "model")]
pub mod lockfree;
pub mod maps;
pub mod measure;
// Only in the grader's model-checking builds (`--cfg kata_shuttle` or
// `--cfg kata_loom`), where there is a model checker to report on.
#[cfg(all(feature = "model", any(kata_shuttle, kata_loom)))]
pub mod model;
pub mod panicking;
// A recorder of rounds that parties must meet between (barriers, phases).
#[cfg(feature = "model")]
pub mod phases;
pub mod picture;
pub mod polls;
pub mod property;
pub mod queues;
pub mod rooms;
#[cfg(feature = "async")]
pub mod service;
/// The protocol, from the crate at the bottom of the grader.
pub use kata_protocol as protocol;
mod isolate;
mod run;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod say;
pub mod sched;
#[cfg(feature = "async")]
pub mod sites;
pub mod sleepers;
pub mod source;
pub mod spinning;
// An instrumented source, stage and sink for async pipelines.
#[cfg(feature = "async")]
pub mod stages;
pub mod tally;
// Timed waits judged on the model's clock: only under shuttle, whose
// `Condvar` times out (loom's ignores the duration).
#[cfg(all(feature = "model", kata_shuttle))]
pub mod timed;
pub mod timeline;
// Only with the `cpu` feature: spans of work with their threads' CPU time.
#[cfg(feature = "cpu")]
pub mod together;
pub mod turns;
// Only with the `cpu` feature: the thread reads its own CPU clock.
#[cfg(feature = "cpu")]
pub mod waiting;
pub mod window;

pub use isolate::{on_thread, staged, within, Step, Steps};
pub use protocol::{fail, inconclusive, pass, Figure, Medal, Outcome, Status};
pub use run::{deliver, main};

use std::time::Duration;

/// `n` milliseconds: how checks write their latencies and limits.
pub const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Where the grader puts an exercise's medal thresholds from `kata.toml`
/// (`medals = { silver = 0.15, gold = 0.55 }`) for its checks.
pub const MEDALS_VARIABLE: &str = protocol::var::MEDALS;

/// The medal thresholds the grader passed (fractions: `(silver, gold)`), or
/// `None` when the checks run without the grader.
pub fn medal_thresholds() -> Option<(f64, f64)> {
    let text = std::env::var(MEDALS_VARIABLE).ok()?;
    let value = |name: &str| {
        text.split(',')
            .find_map(|part| part.trim().strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse::<f64>().ok())
    };
    Some((value("silver")?, value("gold")?))
}

/// One hidden check: a name the grader shows, a line saying what it proves,
/// and the function that proves it.
#[derive(Clone, Copy)]
pub struct Check {
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn() -> Verdict,
}

impl Check {
    pub const fn new(name: &'static str, about: &'static str, run: fn() -> Verdict) -> Check {
        Check { name, about, run }
    }
}

/// The list of an exercise's checks, in the order they run: for each, its
/// name, the function that proves it and the line saying what it proves.
/// An attribute before a `{ ... }` group of entries (`#[cfg(kata_shuttle)]`)
/// keeps the group to the builds it names, so one list serves the plain and
/// the model builds.
///
/// ```
/// fn order_kept() -> kata_harness::Verdict {
///     Ok(kata_harness::pass("all 40 results in order"))
/// }
/// let checks = kata_harness::checks! {
///     "order-kept" => order_kept,
///         "results come back in the order of the items";
///     #[cfg(any())] {
///         "never-built" => order_kept, "left out by its cfg";
///     }
///     #[cfg(all())] {
///         "built" => order_kept, "kept by its cfg";
///     }
/// };
/// let names: Vec<&str> = checks.iter().map(|c| c.name).collect();
/// assert_eq!(names, ["order-kept", "built"]);
/// assert_eq!(checks[0].about, "results come back in the order of the items");
/// ```
#[macro_export]
macro_rules! checks {
    (@push $list:ident;) => {};
    (@push $list:ident; #[$attr:meta] { $($group:tt)* } $($rest:tt)*) => {
        #[$attr]
        {
            $crate::checks!(@push $list; $($group)*);
        }
        $crate::checks!(@push $list; $($rest)*);
    };
    (@push $list:ident; $name:literal => $run:path, $about:literal; $($rest:tt)*) => {
        $list.push($crate::Check::new($name, $about, $run));
        $crate::checks!(@push $list; $($rest)*);
    };
    ($($entries:tt)*) => {{
        let mut checks: ::std::vec::Vec<$crate::Check> = ::std::vec::Vec::new();
        $crate::checks!(@push checks; $($entries)*);
        checks
    }};
}

/// What a check function returns. `Err` is a failure found early, so that
/// checks can use `?` on the steps that might fail (see [`fail`]).
pub type Verdict = Result<Outcome, Outcome>;

/// `Ok(())` when `condition` holds, else the failure that `otherwise` builds.
/// Built lazily so that the message can format measured values freely.
pub fn ensure(condition: bool, otherwise: impl FnOnce() -> Outcome) -> Result<(), Outcome> {
    if condition {
        Ok(())
    } else {
        Err(otherwise())
    }
}

/// The exercise these checks grade, as the grader names it (`ex03`), or
/// `None` when the checks run by hand.
pub fn exercise_id() -> Option<String> {
    std::env::var(protocol::var::EXERCISE).ok()
}

/// How long one check may run before the grader stops it (`time-limit` in
/// `kata.toml`), or `by_hand` when the checks run without the grader. A
/// check sets its steps' limits from this, so that the manifest stays the
/// one place that says how long a check may take.
pub fn time_limit(by_hand: Duration) -> Duration {
    std::env::var(protocol::var::TIME_LIMIT)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(by_hand, Duration::from_secs)
}

/// A step's share of the check's time limit: the grader's limit less a
/// margin for the verdict to be written, so that a hung step is named by
/// the check (which step, and what it was doing) before the grader's own
/// limit ends the process without a word.
pub fn step_limit() -> Duration {
    let whole = time_limit(Duration::from_secs(10));
    whole.mul_f64(0.8).min(whole.saturating_sub(Duration::from_millis(500)))
}

/// Picks the crate under check: the learner's (`--features learner`, what the
/// grader builds) or the reference solution (the default, for the project's
/// own tests), as `target`, and imports the names given from it.
///
/// ```ignore
/// kata_harness::exercise!(parallel_map);
/// ```
#[macro_export]
macro_rules! exercise {
    ($($name:ident),* $(,)?) => {
        #[cfg(feature = "learner")]
        use learner as target;
        #[cfg(not(feature = "learner"))]
        use reference as target;
        #[allow(unused_imports)]
        use target::{$($name),*};
    };
}
