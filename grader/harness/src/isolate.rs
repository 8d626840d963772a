//! The one way the harness runs learner code it must be able to give up on:
//! on a named thread of its own, with panics caught and a time limit.
//!
//! The grader's process-wide time limit catches a hang too, but only this can
//! say *which step* hung, and what the hung thread was doing. A hung thread is
//! left behind: the check's process ends right after the verdict is written,
//! which takes the thread with it.

use crate::{fail, Outcome};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;
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
    let spawned = std::thread::Builder::new()
        .name(thread.into())
        .spawn(move || {
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
