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

#[cfg(feature = "async")]
pub mod asyncx;
#[cfg(feature = "cpu")]
pub mod cpu;
pub mod measure;
/// Only in the grader's model-checking builds (`--cfg kata_shuttle` or
/// `--cfg kata_loom`), where there is a model checker to report on.
#[cfg(all(feature = "model", any(kata_shuttle, kata_loom)))]
pub mod model;
pub mod picture;
/// The protocol, from the crate at the bottom of the grader.
pub use kata_protocol as protocol;
mod run;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod sched;

pub use protocol::{fail, inconclusive, pass, Figure, Medal, Outcome, Status};
pub use run::{deliver, main};

use std::time::Duration;

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

/// Runs learner code on its own thread and waits at most `limit` for it.
///
/// The process-wide time limit of the grader catches a hang too, but only this
/// can say *which step* hung. `what` completes the sentence "... did not
/// finish in 2 s". A hung thread is left behind: the check's process ends right
/// after the verdict is written, which takes the thread with it.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Outcome> {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("kata-within".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Err(fail(format!("the check could not start a thread: {e}")));
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => Err(fail(format!(
            "{what} did not finish in {}: a deadlock, a lost wake-up, or a thread that was never joined?",
            protocol::human_duration(limit)
        ))),
    }
}
