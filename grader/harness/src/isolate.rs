//! The one way the harness runs learner code it must be able to give up on:
//! on a named thread of its own, with panics caught and a time limit.
//!
//! The grader's process-wide time limit catches a hang too, but only this can
//! say *which step* hung, and what the hung thread was doing. A hung thread is
//! left behind: the check's process ends right after the verdict is written,
//! which takes the thread with it.

use crate::{fail, Outcome};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Runs `f` on a thread named `thread` and waits at most `limit` for it.
///
/// - `f`'s own `Err` (a runtime it could not build, a failure it found) is
///   returned as it is;
/// - a panic in `f` is passed on to the caller's thread (the check's
///   verdict then names it, as for any panic in learner code);
/// - after `limit`, `hung()` says what it means that `f` never returned,
///   read while the thread may still be running (so it may look at it).
///
/// # Errors
/// `f`'s failure, `hung()`'s, or a failure if no thread could be started.
pub fn on_thread<T, F>(
    thread: &str,
    limit: Duration,
    f: F,
    hung: impl FnOnce() -> Outcome,
) -> Result<T, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Outcome> + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name(thread.into()).spawn(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
    });
    if let Err(e) = spawned {
        return Err(fail(format!("the check could not start a thread: {e}")));
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => resume_unwind(panic),
        Err(_) => Err(hung()),
    }
}

/// [`on_thread`] for a plain function, with the usual reading of a hang:
/// `what` completes the sentence "... did not finish in 2 s".
///
/// # Errors
/// A failure if `f` did not return within `limit`.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Outcome> {
    on_thread(
        "kata-within",
        limit,
        move || Ok(f()),
        || {
            fail(format!(
                "{what} did not finish in {}: a deadlock, a lost wake-up, or a thread that was never joined?",
                crate::protocol::human_duration(limit)
            ))
        },
    )
}

/// A step of a check's body: what it is doing (completing "... did not
/// finish in 10 s"), and what usually makes that step hang.
pub type Step = (&'static str, &'static str);

/// What a [`staged`] body is doing now, so that a hang names the step.
#[derive(Default)]
pub struct Steps(Mutex<Option<Step>>);

impl Steps {
    /// The body is at `step` from now on.
    pub fn begin(&self, step: Step) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(step);
    }
}

/// [`within`] for a body of several steps: if it does not finish within
/// `limit`, the failure names the step it was on and what usually makes
/// that step hang.
///
/// # Errors
/// A failure naming the step, if `body` did not return within `limit`.
pub fn staged<T: Send + 'static>(
    limit: Duration,
    body: impl FnOnce(&Steps) -> T + Send + 'static,
) -> Result<T, Outcome> {
    let steps = Arc::new(Steps::default());
    let inner = Arc::clone(&steps);
    within(limit, "the check", move || body(&inner)).map_err(|not_started| {
        match *steps.0.lock().unwrap_or_else(|e| e.into_inner()) {
            Some((what, cause)) => fail(format!(
                "{what} did not finish in {}: {cause}",
                crate::protocol::human_duration(limit)
            )),
            // The body never began a step: `within` could not start its
            // thread, and its own message says so.
            None => not_started,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hang_is_told_by_its_step() {
        let hung = staged(crate::ms(50), |steps| {
            steps.begin(("dropping the pool", "does Drop join workers that never stop?"));
            std::thread::sleep(crate::ms(2000));
        });
        let message = hung.unwrap_err().message;
        assert!(
            message.starts_with("dropping the pool did not finish in 50 ms: does Drop"),
            "{message}"
        );
        assert_eq!(staged(crate::ms(1000), |_| 7).unwrap(), 7);
    }
}
