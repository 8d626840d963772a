//! Whether a real thread has fallen asleep, and calls that must return by
//! themselves.
//!
//! On real threads, a check often must act only once another thread is
//! blocked (asleep in a lock, not merely slow to start): a [`Sleeper`] is
//! that thread's clock, and [`Sleeper::asleep`] waits until the OS has
//! found it sleeping at several looks in a row. [`unless_stuck`] runs a
//! call that must return by itself and tells one that fell asleep for good
//! (waiting for a lock nobody will give back) without waiting a time limit;
//! [`returns`] is its verdict. [`blocked_behind`] (feature `cpu`) holds a
//! call blocked behind what the check holds, and judges whether it slept.

use crate::sched::SchedClock;
use crate::{fail, Outcome};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;
#[cfg(feature = "cpu")]
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many looks in a row must find a thread sleeping before it counts as
/// asleep (one look a millisecond): a thread that only waits for a core is
/// found runnable, a starting one soon runs.
const LOOKS: u32 = 10;

/// A real thread's clock, made on that thread, read from another.
pub struct Sleeper {
    clock: SchedClock,
}

impl Sleeper {
    /// The clock of the calling thread: send it to the thread that watches.
    pub fn this_thread() -> Sleeper {
        Sleeper { clock: SchedClock::this_thread() }
    }

    /// Waits until the thread has been found sleeping at `LOOKS` (10) looks in
    /// a row (`Some(true)`), or `patience` is over (`Some(false)`); `None`
    /// where the system does not say.
    pub fn asleep(&self, patience: Duration) -> Option<bool> {
        let end = Instant::now() + patience;
        let mut in_a_row = 0;
        loop {
            in_a_row = if self.clock.runnable()? { 0 } else { in_a_row + 1 };
            if in_a_row >= LOOKS {
                return Some(true);
            }
            if Instant::now() >= end {
                return Some(false);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// How a call that must return by itself ended ([`unless_stuck`]).
#[derive(Debug, PartialEq, Eq)]
pub enum Ended<T> {
    /// It returned this.
    Returned(T),
    /// It fell asleep and stayed so, with nothing in the check left to wake
    /// it: it never will return.
    Asleep,
    /// Still running (computing, or where the system does not say whether
    /// it sleeps) at the limit.
    Running,
}

/// Runs `f` on a thread of its own, where nothing else the check does can
/// wake it, and waits for it to return, at most `limit`. A call that falls
/// asleep there instead (a lock that was never given back) is told at
/// once, not at the limit. A panic in `f` goes on in the caller.
pub fn unless_stuck<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Ended<T> {
    let (clock_tx, clock_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("kata-unless-stuck".into()).spawn(move || {
        let _ = clock_tx.send(Sleeper::this_thread());
        let _ = done_tx.send(catch_unwind(AssertUnwindSafe(f)));
    });
    let end = Instant::now() + limit;
    let Some(sleeper) = spawned.ok().and_then(|_| clock_rx.recv().ok()) else {
        return Ended::Running;
    };
    let returned = |got: std::thread::Result<T>| match got {
        Ok(value) => Ended::Returned(value),
        Err(panic) => resume_unwind(panic),
    };
    while Instant::now() < end {
        if let Ok(got) = done_rx.try_recv() {
            return returned(got);
        }
        match sleeper.asleep(Duration::from_millis(20)) {
            // Asleep: unless it returned meanwhile (a thread that has
            // ended reads as not running too).
            Some(true) => {
                return done_rx
                    .recv_timeout(Duration::from_millis(5))
                    .map_or(Ended::Asleep, returned)
            }
            Some(false) => {}
            None => break,
        }
    }
    done_rx
        .recv_timeout(end.saturating_duration_since(Instant::now()))
        .map_or(Ended::Running, returned)
}

/// A call that must return now that nothing holds it back, run by
/// [`unless_stuck`]: `what` names it, `lesson` ends a failure.
///
/// # Errors
/// It panicked, fell asleep for good, or had not returned within `limit`.
pub fn returns<T: Send + 'static>(
    what: &str,
    lesson: &str,
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Outcome> {
    let ended = catch_unwind(AssertUnwindSafe(|| unless_stuck(limit, f))).map_err(|panic| {
        let said = crate::panicking::panic_text(&*panic);
        fail(format!("{what} panicked ({said}): {lesson}"))
    })?;
    match ended {
        Ended::Returned(got) => Ok(got),
        Ended::Asleep => {
            Err(fail(format!("{what} fell asleep, with nobody inside to wake it: {lesson}")))
        }
        Ended::Running => Err(fail(format!("{what} did not return: {lesson}"))),
    }
}

/// `block` on a thread of its own while the check holds `held` (which keeps
/// it blocked) for 300 ms, then `held` is dropped and `block` must return
/// within `limit`: [`watch_wait`](crate::waiting::watch_wait), judged by
/// [`judge_waiting`](crate::waiting::judge_waiting) (the blocked thread's
/// own time on or queued for a core, where the system says: a `yield_now`
/// loop on a busy machine gives most of its CPU away, yet wants it all the
/// time). `what` names the call: "read() while a writer is inside".
///
/// # Errors
/// The call returned at once (it did not wait), spun, or was never woken.
#[cfg(feature = "cpu")]
pub fn blocked_behind<S: Send + Sync + 'static, G>(
    what: &str,
    (state, held): (&Arc<S>, G),
    block: fn(&S),
    limit: Duration,
) -> crate::Verdict {
    use crate::waiting::{judge_waiting, watch_wait};
    let state = Arc::clone(state);
    let length = Duration::from_millis(300);
    let waited = watch_wait(what, length, limit, move || block(&state), move || drop(held))?;
    judge_waiting(&waited, &format!("a thread blocked in {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn a_blocked_thread_is_asleep_and_a_spinning_one_is_not() {
        let (tx, rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let blocked = std::thread::spawn(move || {
            tx.send(Sleeper::this_thread()).unwrap();
            let _ = done_rx.recv();
        });
        let sleeper = rx.recv().unwrap();
        let ms = Duration::from_millis;
        assert_ne!(sleeper.asleep(ms(2000)), Some(false));
        drop(done_tx);
        blocked.join().unwrap();

        if SchedClock::this_thread().runnable().is_none() {
            return; // not Linux: nothing to read
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let spin_stop = std::sync::Arc::clone(&stop);
        let spinner = std::thread::spawn(move || {
            tx.send(Sleeper::this_thread()).unwrap();
            while !spin_stop.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        assert_eq!(rx.recv().unwrap().asleep(ms(100)), Some(false));
        stop.store(true, Ordering::Relaxed);
        spinner.join().unwrap();
    }

    #[test]
    fn a_call_that_sleeps_for_ever_is_told_at_once() {
        let ms = Duration::from_millis;
        assert_eq!(unless_stuck(ms(5000), || 7), Ended::Returned(7));
        let (_keep, never) = mpsc::channel::<()>();
        let began = Instant::now();
        let stuck = unless_stuck(ms(5000), move || never.recv().is_ok());
        if SchedClock::this_thread().runnable().is_some() {
            assert_eq!(stuck, Ended::Asleep);
            assert!(began.elapsed() < ms(2000), "{:?}", began.elapsed());
        }
        let spun = unless_stuck(ms(100), || loop {
            std::hint::spin_loop();
        });
        assert_eq!(spun, Ended::<()>::Running);
    }
    #[test]
    fn returns_tells_a_call_that_panics() {
        crate::panicking::quiet_deliberate_panics();
        let told = returns("get()", "no poison", Duration::from_secs(1), || -> u8 {
            crate::panicking::deliberate_panic()
        });
        assert!(told.unwrap_err().message.starts_with("get() panicked (kata: a deliberate"));
    }

    #[test]
    fn returns_tells_a_call_that_sleeps_for_ever() {
        let ms = Duration::from_millis;
        assert_eq!(returns("get()", "", ms(1000), || 3).unwrap(), 3);
        let (_keep, never) = mpsc::channel::<()>();
        let told = returns("write()", "give it back", ms(3000), move || never.recv().is_ok());
        assert!(told.unwrap_err().message.ends_with(": give it back"));
    }

    #[cfg(feature = "cpu")]
    #[test]
    fn a_blocked_waiter_sleeps_and_is_woken() {
        use std::sync::{Condvar, Mutex};
        let flag = Arc::new((Mutex::new(false), Condvar::new()));
        let block: fn(&(Mutex<bool>, Condvar)) = |(up, raised)| {
            let mut up = up.lock().unwrap();
            while !*up {
                up = raised.wait(up).unwrap();
            }
        };
        struct Raise<'a>(&'a (Mutex<bool>, Condvar));
        impl Drop for Raise<'_> {
            fn drop(&mut self) {
                *self.0 .0.lock().unwrap() = true;
                self.0 .1.notify_all();
            }
        }
        let held = (&flag, Raise(&flag));
        let verdict = blocked_behind("wait()", held, block, Duration::from_secs(5));
        assert!(verdict.is_ok(), "{verdict:?}");
        let free = || blocked_behind("wait()", (&flag, ()), block, Duration::from_secs(5));
        assert!(free().unwrap_err().message.contains("it did not block"));
    }
}
