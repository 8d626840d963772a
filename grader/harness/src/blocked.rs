//! A blocked call must leave the other side free (feature `cpu`).
//!
//! A thread blocked in `put` on a full queue (or in `acquire`, or in a
//! writer's `lock`) waits for another thread to change the state, and that
//! thread needs the structure's lock to do it. A wait that keeps the lock
//! while it sleeps (a `thread::sleep` in a loop under the guard, a channel's
//! blocking `send` inside a `Mutex`) shuts the other side out, and the
//! two wait for each other. [`while_blocked`] is [`watch_wait`] whose release
//! is the other side's calls, made on a thread of their own with a time
//! limit: they must answer while the call is blocked, and then release it.

use crate::protocol::human_duration;
use crate::waiting::{watch_wait, Waiting};
use crate::{fail, on_thread, Outcome};
use std::time::Duration;

/// Blocks `block` for `length`, then runs `other_side` (which must answer
/// within `limit`, and release `block`; its `Err` says what it got wrong)
/// and waits at most `limit` for `block` to return. `what` names the
/// blocked call: "put(3) on a full queue".
///
/// # Errors
/// `other_side` hung (the lock kept while waiting, the message says) or
/// said what was wrong; else [`watch_wait`]'s failures.
pub fn while_blocked(
    what: &str,
    length: Duration,
    limit: Duration,
    block: impl FnOnce() + Send + 'static,
    other_side: impl FnOnce() -> Result<(), String> + Send + 'static,
) -> Result<Waiting, Outcome> {
    let mut answered = None;
    let release = || {
        let hung = || {
            fail(format!(
                "while {what} waited, the other side's calls did not answer within {}: the \
                 waiting thread keeps the lock while it sleeps (a `thread::sleep`, or a \
                 channel's blocking send or recv, inside the lock). Only `Condvar::wait` \
                 gives the lock up while it waits.",
                human_duration(limit)
            ))
        };
        answered = Some(on_thread("kata-other-side", limit, move || Ok(other_side()), hung));
    };
    let waited = watch_wait(what, length, limit, block, release);
    if let Some(answered) = answered {
        answered?.map_err(|why| fail(format!("while {what} waited, {why}")))?;
    }
    waited
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Condvar, Mutex};

    const MS: fn(u64) -> Duration = Duration::from_millis;

    /// A flag to wait for; `sleeps_locked` waits with the lock held.
    #[derive(Default)]
    struct Flag {
        up: Mutex<bool>,
        raised: Condvar,
    }

    impl Flag {
        fn wait(&self, sleeps_locked: bool) {
            let mut up = self.up.lock().unwrap();
            while !*up {
                if sleeps_locked {
                    std::thread::sleep(MS(1));
                } else {
                    up = self.raised.wait(up).unwrap();
                }
            }
        }
        fn raise(&self) -> bool {
            let was = std::mem::replace(&mut *self.up.lock().unwrap(), true);
            self.raised.notify_all();
            was
        }
    }

    fn run(sleeps_locked: bool, answer: Result<(), String>) -> Result<Waiting, Outcome> {
        let flag = Arc::new(Flag::default());
        let (waiter, raiser) = (Arc::clone(&flag), flag);
        let block = move || waiter.wait(sleeps_locked);
        let other = move || match raiser.raise() {
            true => Err("the flag was up already".into()),
            false => answer,
        };
        while_blocked("wait()", MS(50), MS(500), block, other)
    }

    #[test]
    fn a_condvar_wait_leaves_the_other_side_free() {
        let waited = run(false, Ok(())).unwrap();
        assert_eq!(waited.length, MS(50));
    }

    #[test]
    fn the_other_sides_answer_is_judged() {
        let told = run(false, Err("len() said 3".into())).unwrap_err();
        assert_eq!(told.message, "while wait() waited, len() said 3");
    }

    #[test]
    fn a_wait_that_keeps_the_lock_is_named() {
        let told = run(true, Ok(())).unwrap_err();
        assert!(told.message.contains("keeps the lock while it sleeps"), "{}", told.message);
    }
}
