//! Timed waits under shuttle (feature `model`, `--cfg kata_shuttle`): the
//! two promises of every `wait_timeout`, `acquire_timeout`, `put_timeout`.
//!
//! Under the model the facade's `Condvar::wait_timeout` times out at a
//! moment the checker picks, moving the model's clock to the deadline, and
//! now and then wakes spuriously part of the way there; `kata_sync::time`
//! reads that clock. So, exactly and in every schedule:
//!
//! - [`gives_up_on_time`]: with nobody to end the wait, the call gives up
//!   at its timeout, not before (a spurious wake-up taken for the end), not
//!   after (the full timeout waited again after a wake-up);
//! - [`released_in_time`]: with a releaser, a call of an hour succeeds
//!   unless its hour was up before the release returned (a call that woke
//!   as the time ran out and trusted the clock, or `timed_out()`, without
//!   looking at the state leaves the release behind).
//!
//! [`honours_timeout`] makes both of one call.
//!
//! The messages name the call (`what`) and the state it waits for; the
//! fixes they point to are the same for every timed wait.

use crate::model::{check, join};
use crate::Verdict;
use kata_sync::model::{narrate, spawn_named, Failure};
use kata_sync::time::Instant;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How late on the model's clock a give-up may be (the clock jumps to the
/// deadline, so only code that waits again is later).
pub const SLACK: Duration = Duration::from_millis(5);

/// The long timeout of [`released_in_time`].
pub const HOUR: Duration = Duration::from_secs(3600);

/// Explores `call` (a timed call of `timeout` that nobody will end; `true`
/// if it succeeded) and requires it to fail at `timeout` on the model's
/// clock. `what` names the call, "acquire_timeout(100 ms) with 0 permits";
/// `success` what it must not claim, "a permit".
pub fn gives_up_on_time(
    what: &str,
    success: &str,
    timeout: Duration,
    call: impl Fn() -> bool + Send + Sync + 'static,
) -> Verdict {
    let (what, success) = (what.to_string(), success.to_string());
    let explain = move |failure: &Failure| {
        let m = &failure.message;
        let took = m.rsplit("after ").next().unwrap_or_default();
        if m.contains("SUCCEEDED") {
            format!(
                "{what} returned {success} with nothing to give it: a wake-up is not news. \
                     Succeed only when the state says so, looked at under the lock."
            )
        } else if m.contains("EARLY") {
            format!(
                "{what} gave up {took} on the model's clock, before its timeout: a spurious \
                     wake-up ended the wait. Loop, and give up only once the deadline has passed."
            )
        } else if m.contains("LATE") {
            format!("{what} gave up {took} on the model's clock: after a wake-up it waited the \
                     whole timeout again. Fix the deadline once, before the loop \
                     (`kata_sync::time::Instant::now() + timeout`), and wait only for what is left.")
        } else if failure.deadlock {
            format!(
                "{what} never gave up under the model checker, which times out only a \
                     `Condvar`'s wait_timeout: build the wait on the facade's `Condvar`."
            )
        } else {
            m.clone()
        }
    };
    check("it gave up at its timeout", explain, move || {
        let began = Instant::now();
        let succeeded = call();
        let took = began.elapsed();
        assert!(!succeeded, "SUCCEEDED");
        assert!(took >= timeout, "EARLY: after {} ms", took.as_millis());
        assert!(took <= timeout + SLACK, "LATE: after {} ms", took.as_millis());
    })
}

/// Explores a `waiter` (a timed call of [`HOUR`] on the state; `true` if it
/// succeeded) against a `releaser` thread that makes it succeed, both on
/// the state `setup` makes. The waiter must succeed unless its hour was up
/// before the releaser returned. `what` names the call, `release` what the
/// releaser does ("the permit was given back").
pub fn released_in_time<S: Send + Sync + 'static>(
    what: &str,
    release: &str,
    setup: impl Fn() -> S + Send + Sync + 'static,
    waiter: impl Fn(&S) -> bool + Send + Sync + 'static,
    releaser: impl Fn(&S) + Send + Sync + 'static,
) -> Verdict {
    let (what, release) = (what.to_string(), release.to_string());
    let explain = move |failure: &Failure| {
        if failure.message.contains("EARLY") {
            format!(
                "{what} failed before its hour was up on the model's clock, and before \
                     anything released it: it was woken (spuriously, or for news another thread \
                     took first) and took that for the end. Loop, and give up only once the \
                     deadline has passed."
            )
        } else if failure.message.contains("LEFT-BEHIND") {
            format!(
                "{what} failed, though {release} long before its hour was up: it woke as \
                     the time ran out and trusted the clock (or `timed_out()`) without looking \
                     at the state. After each wake-up, look at the state first, then at the clock."
            )
        } else if failure.deadlock {
            format!("{what} never returned, though {release}: a lost wake-up.")
        } else {
            failure.message.clone()
        }
    };
    let (setup, waiter, releaser) = (Arc::new(setup), Arc::new(waiter), Arc::new(releaser));
    check("the waiter saw what came in time", explain, move || {
        let state = Arc::new(setup());
        let released_at = Arc::new(Mutex::new(None::<Instant>));
        let timed = {
            let (state, waiter, released_at) = (state.clone(), waiter.clone(), released_at.clone());
            spawn_named("waiter", move || {
                let began = Instant::now();
                narrate("starts its timed wait");
                let succeeded = waiter(&state);
                narrate(if succeeded { "succeeds" } else { "gives up" });
                let released = *released_at.lock().unwrap_or_else(|e| e.into_inner());
                if !succeeded {
                    assert!(Instant::now() >= began + HOUR || released.is_some(), "EARLY");
                    assert!(released.is_none_or(|at| at >= began + HOUR), "LEFT-BEHIND");
                }
            })
        };
        releaser(&state);
        // After the release returned: a waiter that gave up looked for the
        // last time before this moment.
        *released_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        join(timed);
    })
}

/// The timeout of [`honours_timeout`]'s give-up.
pub const TIMEOUT: Duration = Duration::from_millis(100);

/// Both promises of one timed call: [`gives_up_on_time`] with a [`TIMEOUT`]
/// on `setup()`, where nobody ends the wait, then [`released_in_time`] with
/// a call of an [`HOUR`] against `releaser`. `call(state, timeout)` makes
/// the call (`true` if it succeeded); in `what` ("poll({}) on an empty
/// queue") `{}` stands for the timeout; `success` is what the give-up must
/// not claim, `release` what the releaser does.
pub fn honours_timeout<S: Send + Sync + 'static>(
    what: &str,
    (success, release): (&str, &str),
    setup: impl Fn() -> S + Send + Sync + 'static,
    call: impl Fn(&S, Duration) -> bool + Send + Sync + 'static,
    releaser: impl Fn(&S) + Send + Sync + 'static,
) -> Verdict {
    let (setup, call) = (Arc::new(setup), Arc::new(call));
    let (make, make_call) = (Arc::clone(&setup), Arc::clone(&call));
    let give_up = what.replace("{}", "100 ms");
    gives_up_on_time(&give_up, success, TIMEOUT, move || make_call(&make(), TIMEOUT))?;
    let waiter = move |state: &S| call(state, HOUR);
    released_in_time(&what.replace("{}", "1 hour"), release, move || setup(), waiter, releaser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kata_sync::sync::{Condvar, Mutex};

    /// A flag and its condvar; `trusting` waits give up on `timed_out()`,
    /// `restarting` ones wait the full timeout after every wake-up.
    #[derive(Default)]
    struct Flag {
        up: Mutex<bool>,
        changed: Condvar,
    }

    impl Flag {
        fn wait(&self, timeout: Duration, trusting: bool, restarting: bool) -> bool {
            let deadline = Instant::now() + timeout;
            let mut up = self.up.lock().unwrap();
            loop {
                if *up {
                    return true;
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return false;
                }
                let (guard, result) =
                    self.changed.wait_timeout(up, if restarting { timeout } else { left }).unwrap();
                up = guard;
                if trusting && result.timed_out() {
                    return false;
                }
            }
        }
        fn raise(&self) {
            *self.up.lock().unwrap() = true;
            self.changed.notify_all();
        }
    }

    /// Explorations share the process's one story: these tests take turns.
    static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn a_right_wait_gives_up_on_time_and_a_restarting_one_late() {
        let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
        let right = gives_up_on_time("wait(100 ms)", "true", Duration::from_millis(100), || {
            Flag::default().wait(Duration::from_millis(100), false, false)
        });
        assert!(right.is_ok(), "{right:?}");
        let late = gives_up_on_time("wait(100 ms)", "true", Duration::from_millis(100), || {
            Flag::default().wait(Duration::from_millis(100), false, true)
        })
        .unwrap_err();
        assert!(late.message.contains("whole timeout again"), "{}", late.message);
    }

    #[test]
    fn a_wait_that_trusts_timed_out_leaves_the_release_behind() {
        let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
        let run = |trusting: bool| {
            released_in_time(
                "wait(1 hour)",
                "the flag was raised",
                Flag::default,
                move |flag| flag.wait(HOUR, trusting, false),
                Flag::raise,
            )
        };
        assert!(run(false).is_ok(), "{:?}", run(false));
        let behind = run(true).unwrap_err();
        assert!(behind.message.contains("look at the state first"), "{}", behind.message);
    }

    #[test]
    fn honours_timeout_makes_both_and_names_the_call() {
        let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
        let run = |trusting: bool, restarting: bool| {
            let wait = move |flag: &Flag, t| flag.wait(t, trusting, restarting);
            honours_timeout("wait({})", ("true", "it was raised"), Flag::default, wait, Flag::raise)
        };
        assert!(run(false, false).is_ok(), "{:?}", run(false, false));
        let late = run(false, true).unwrap_err().message;
        assert!(late.starts_with("wait(100 ms) gave up") && late.contains("again"), "{late}");
        let behind = run(true, false).unwrap_err().message;
        assert!(behind.starts_with("wait(1 hour) failed, though it was raised"), "{behind}");
    }

    #[test]
    fn join_returns_or_resumes_the_panic() {
        let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
        let fine = check(
            "joined",
            |f: &Failure| f.message.clone(),
            || {
                assert_eq!(join(spawn_named("seven", || 7)), 7);
            },
        );
        assert!(fine.is_ok(), "{fine:?}");
        let failed = check(
            "joined",
            |f: &Failure| f.message.clone(),
            || {
                join(spawn_named("panics", || panic!("PANICKED in the thread")));
            },
        )
        .unwrap_err();
        assert!(failed.message.contains("PANICKED in the thread"), "{}", failed.message);
    }
}
