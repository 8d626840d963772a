//! Running async learner code for a check, on a runtime of the check's own,
//! on a thread of [`on_thread`](crate::on_thread), under a real-time limit:
//!
//! - [`run_paused`]: a `current_thread` runtime whose clock starts paused.
//!   Time moves only when every task waits on a timer, and then jumps to the
//!   next deadline: 50 calls of 500 ms, 5 at a time, take exactly 5 s of
//!   *virtual* time and a few milliseconds of real time, whatever the
//!   machine's load. The [`FakeService`](super::FakeService) is what to point
//!   learner code at there.
//! - [`run_loopback`]: the same runtime on the real clock, for code that
//!   talks to `kata_fakes::FakeServer` over real sockets (real I/O cannot
//!   run on a paused clock: the clock would jump while a socket waits).
//!
//! A blocked runtime thread or a deadlock ends as a verdict that says which,
//! and whether the thread was computing or waiting.

use crate::protocol::human_duration;
use crate::sched::{SchedClock, LOOK};
use crate::{fail, on_thread, Outcome};
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};
use tokio::time::Instant;

/// A `current_thread` runtime whose clock starts paused, as
/// `#[tokio::test(start_paused = true)]` builds it.
///
/// # Errors
/// The runtime could not be built.
pub fn paused_runtime() -> std::io::Result<Runtime> {
    Builder::new_current_thread().enable_all().start_paused(true).build()
}

/// A `current_thread` runtime on the real clock, with I/O, for loopback runs.
///
/// # Errors
/// The runtime could not be built.
pub fn loopback_runtime() -> std::io::Result<Runtime> {
    Builder::new_current_thread().enable_all().build()
}

/// What a run gave back, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run<T> {
    pub value: T,
    /// From the future's first poll to its end on the runtime's clock:
    /// virtual time for [`run_paused`], real time for [`run_loopback`].
    pub elapsed: Duration,
    /// Real time of the whole run, runtime included.
    pub wall: Duration,
}

/// Which clock a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Paused: time jumps to the next timer when every task waits.
    Paused,
    /// The real clock.
    Real,
}

/// Runs the future that `make` builds on a fresh paused-clock runtime (see
/// [`paused_runtime`]) and waits at most `limit` of real time for it.
///
/// `make` runs inside the runtime, so fakes built there take their epoch
/// from the paused clock. The future need not be `Send`. A panic in it (the
/// `todo!` of a stub) is passed on to the caller, as [`crate::within`] does.
///
/// # Errors
/// A failing outcome if the run did not finish within `limit`: on a paused
/// clock waiting costs no real time, so the message says what blocks a
/// runtime thread. `what` completes "... did not finish".
pub fn run_paused<T, F, Fut>(limit: Duration, what: &str, make: F) -> Result<Run<T>, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    run_on(Clock::Paused, limit, what, make)
}

/// As [`run_paused`], on the real clock (see [`loopback_runtime`]).
///
/// # Errors
/// A failing outcome if the run did not finish within `limit`.
pub fn run_loopback<T, F, Fut>(limit: Duration, what: &str, make: F) -> Result<Run<T>, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    run_on(Clock::Real, limit, what, make)
}

/// Runs the future that `make` builds on a fresh runtime of `clock`, on a
/// thread of [`on_thread`], within `limit` of real time.
///
/// # Errors
/// The runtime could not be built, or the run did not finish in time.
pub fn run_on<T, F, Fut>(
    clock: Clock,
    limit: Duration,
    what: &str,
    make: F,
) -> Result<Run<T>, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    // Read if the run never ends: is the runtime's thread computing?
    let thread_clock: Arc<OnceLock<SchedClock>> = Arc::default();
    let of_run = Arc::clone(&thread_clock);
    let body = move || {
        of_run.get_or_init(SchedClock::this_thread);
        let began = std::time::Instant::now();
        let runtime = match clock {
            Clock::Paused => paused_runtime(),
            Clock::Real => loopback_runtime(),
        }
        .map_err(|e| fail(format!("the check could not build its tokio runtime: {e}")))?;
        let result = catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(async move {
                let start = Instant::now();
                let value = make().await;
                (value, start.elapsed())
            })
        }));
        let wall = began.elapsed();
        // Never wait for tasks the code under test left behind (a
        // `spawn_blocking` stuck forever would hold up a plain drop, and the
        // verdict with it), panic or not.
        runtime.shutdown_background();
        match result {
            Ok((value, elapsed)) => Ok(Run { value, elapsed, wall }),
            Err(panic) => resume_unwind(panic),
        }
    };
    on_thread("kata-async", limit, body, || {
        fail(hung(clock, limit, what) + &computing(thread_clock.get()))
    })
}

/// What it means that a run on `clock` did not finish within `limit`.
fn hung(clock: Clock, limit: Duration, what: &str) -> String {
    match clock {
        Clock::Paused => format!(
            "{what} did not finish within {} of real time, though on the grader's paused clock \
             waiting costs no real time at all (a call of 500 ms returns at once). So something \
             blocked the runtime's only thread — `std::thread::sleep`, `futures::executor::block_on`, \
             a blocking lock, join or channel receive, a busy loop — or your code waits for \
             something that never happens. Inside async code, wait with `.await` \
             (`tokio::time::sleep(d).await`, not `std::thread::sleep(d)`).",
            human_duration(limit)
        ),
        Clock::Real => format!(
            "{what} did not finish in {}: a deadlock, a wait that never ends, or a runtime \
             thread blocked by `std::thread::sleep` or another blocking call?",
            human_duration(limit)
        ),
    }
}

/// What a short look at the runtime's thread of a run that never ended
/// adds to its failure, where the system says: is it looping or blocked?
fn computing(clock: Option<&SchedClock>) -> String {
    match clock.and_then(|clock| clock.look(LOOK)) {
        Some(look) if look.computing() => format!(
            " Right now the runtime's thread is computing (it used {} of CPU in the last {}): \
             a busy loop, or CPU work that never reaches an `.await`?",
            human_duration(look.ran),
            human_duration(look.length)
        ),
        Some(look) => format!(
            " Right now the runtime's thread uses no CPU (none in the last {}): it is blocked or \
             waiting, not looping.",
            human_duration(look.length)
        ),
        None => String::new(),
    }
}

/// Measures time on the runtime's clock (virtual on a paused clock).
/// Create and read it inside the runtime.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch { start: Instant::now() }
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    #[test]
    fn the_paused_clock_runs_a_second_in_no_time() {
        let run = run_paused(ms(5000), "a sleep", || async {
            tokio::time::sleep(ms(1000)).await;
            7
        })
        .unwrap();
        assert_eq!((run.value, run.elapsed), (7, ms(1000)));
        assert!(run.wall < ms(1000), "{:?}", run.wall);
    }

    #[test]
    fn a_panic_is_passed_on_even_with_a_blocking_task_left_behind() {
        let caught = catch_unwind(|| {
            run_loopback(ms(5000), "a panic", || async {
                tokio::task::spawn_blocking(|| std::thread::sleep(ms(3000)));
                panic!("learner panic");
            })
        });
        let payload = caught.expect_err("the panic came through");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"learner panic"));
    }

    #[test]
    fn a_blocked_runtime_is_named() {
        let outcome = run_paused(ms(200), "the blocking code", || async {
            std::thread::sleep(ms(2000));
        })
        .unwrap_err();
        assert!(outcome.message.contains("blocked the runtime's only thread"));
        let linux = SchedClock::this_thread().read().is_some();
        if linux {
            assert!(outcome.message.contains("uses no CPU"), "{}", outcome.message);
        }
        // A busy loop (that ends a while after the limit).
        let spinning = run_paused(ms(200), "the spinning code", || async {
            let start = std::time::Instant::now();
            while start.elapsed() < ms(2000) {
                std::hint::spin_loop();
            }
        })
        .unwrap_err();
        if linux {
            assert!(spinning.message.contains("is computing"), "{}", spinning.message);
        }
    }
}
