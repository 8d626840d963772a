//! What shuttle leaves out, put back for the model: spurious wake-ups,
//! timeouts, and time itself.
//!
//! A real `Condvar` may wake a waiter for no reason, and a `wait_timeout`
//! may time out at any moment once its time has passed; code that only works
//! when neither happens is wrong, and on a real machine it fails once in a
//! blue moon. Shuttle's own `Condvar` never wakes spuriously and never times
//! out, so that code would pass every schedule. Here:
//!
//! - [`Condvar::wait`] now and then arms an *alarm*: a thread of the model's
//!   own that wakes the waiters at a moment the scheduler chooses (so an `if`
//!   in place of a `while` around `wait` shows up in some schedule);
//! - [`Condvar::wait_timeout`] always arms one, which on firing moves the
//!   model's clock to the waiter's deadline and reports a time-out: every
//!   moment a timeout could strike is a schedule the checker can try, and a
//!   wait that nobody ends still ends. Now and then the alarm is a spurious
//!   wake-up instead, part of the way to the deadline (so a wait that
//!   restarts its whole timeout after each wake-up overshoots it);
//! - [`Instant`] reads the model's clock, which moves only when an alarm
//!   jumps to a deadline or a thread sleeps, and [`sleep`] moves it on and
//!   lets other threads run: under the model, sleeping orders nothing.
//!
//! The alarms' choices come from shuttle's seeded random source, so a failing
//! schedule replays as any other.

use crate::lock::WaitTimeoutResult;
use shuttle::rand::{thread_rng, Rng};
use shuttle::sync::MutexGuard;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::{LockResult, PoisonError};
use std::time::Duration;

/// How often a plain `wait` gets a spurious wake-up armed.
const SPURIOUS: f64 = 0.25;

/// Shuttle's `Condvar`, with spurious wake-ups and time-outs (see the
/// module's documentation). The same methods as `std::sync::Condvar`.
#[derive(Debug, Default)]
pub struct Condvar {
    inner: Arc<shuttle::sync::Condvar>,
}

impl Condvar {
    pub fn new() -> Condvar {
        Condvar::default()
    }

    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        let _asleep = Asleep::now();
        let alarm = thread_rng().gen_bool(SPURIOUS).then(|| Alarm::arm(&self.inner, None, true));
        let woken = self.inner.wait(guard);
        if let Some(alarm) = alarm {
            alarm.disarm();
        }
        woken
    }

    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let _asleep = Asleep::now();
        let deadline = Instant::now().checked_add(timeout);
        let alarm = Alarm::arm(&self.inner, deadline, thread_rng().gen_bool(SPURIOUS));
        let woken = self.inner.wait(guard);
        let timed_out = WaitTimeoutResult(alarm.disarm());
        match woken {
            Ok(guard) => Ok((guard, timed_out)),
            Err(poisoned) => Err(PoisonError::new((poisoned.into_inner(), timed_out))),
        }
    }

    pub fn notify_one(&self) {
        self.inner.notify_one();
    }

    pub fn notify_all(&self) {
        self.inner.notify_all();
    }
}

shuttle::lazy_static! {
    /// Threads of this execution asleep in a `Condvar` wait (shuttle drops
    /// it at the end of each execution, so a failed one leaves nothing).
    static ref ASLEEP: AtomicUsize = AtomicUsize::new(0);
    /// Calls of [`sleep`] in this execution.
    static ref SLEPT: AtomicUsize = AtomicUsize::new(0);
}

/// How many times a thread of this execution called `thread::sleep`: a
/// check can tell waiting on a `Condvar` from polling with sleeps.
pub fn sleeps() -> usize {
    SLEPT.load(Ordering::SeqCst)
}

/// Counts a thread in [`ASLEEP`] while it lives. Made before the alarm is
/// armed: the first touch of a shuttle `lazy_static` may let other threads
/// run, which between arming and sleeping would lose the alarm.
struct Asleep;

impl Asleep {
    fn now() -> Asleep {
        ASLEEP.fetch_add(1, Ordering::SeqCst);
        Asleep
    }
}

impl Drop for Asleep {
    fn drop(&mut self) {
        ASLEEP.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many threads are asleep in a `Condvar` wait right now: a check's
/// setter can wait for its waiters to be really waiting before it acts.
pub fn asleep() -> usize {
    ASLEEP.load(Ordering::SeqCst)
}

/// A model thread that wakes a condvar's waiters once, at a moment the
/// scheduler picks. A time-out first moves the clock to the deadline; a
/// spurious wake-up part of the way there.
struct Alarm {
    state: Arc<AlarmState>,
    /// A time-out rather than a spurious wake-up.
    times_out: bool,
}

#[derive(Default)]
struct AlarmState {
    /// The waiter is (about to be) asleep on the condvar.
    waiting: AtomicBool,
    /// The waiter is awake again: the alarm is no longer wanted.
    done: AtomicBool,
    fired: AtomicBool,
}

impl Alarm {
    fn arm(
        condvar: &Arc<shuttle::sync::Condvar>,
        deadline: Option<Instant>,
        spurious: bool,
    ) -> Alarm {
        let state = Arc::new(AlarmState::default());
        let (condvar, shared) = (Arc::clone(condvar), Arc::clone(&state));
        // Detached: the model's run may end while an alarm still waits.
        drop(shuttle::thread::spawn(move || loop {
            if shared.done.load(Ordering::SeqCst) {
                return;
            }
            // `waiting` is set just before the waiter sleeps, with no
            // scheduling point in between, so a notify now reaches it.
            if shared.waiting.load(Ordering::SeqCst) {
                if let Some(deadline) = deadline {
                    let left = deadline.saturating_duration_since(Instant::now());
                    advance(if spurious {
                        left.mul_f64(thread_rng().gen_range(0.0..1.0))
                    } else {
                        left
                    });
                }
                shared.fired.store(true, Ordering::SeqCst);
                condvar.notify_all();
                return;
            }
            shuttle::thread::yield_now();
        }));
        state.waiting.store(true, Ordering::SeqCst);
        Alarm { state, times_out: deadline.is_some() && !spurious }
    }

    /// Called once the waiter is awake again: whether it timed out (the
    /// alarm of a deadline fired).
    fn disarm(self) -> bool {
        self.state.waiting.store(false, Ordering::SeqCst);
        self.state.done.store(true, Ordering::SeqCst);
        self.times_out && self.state.fired.load(Ordering::SeqCst)
    }
}

/// The model's clock, in nanoseconds: time passes only when an alarm jumps
/// to a deadline or a thread sleeps, never by itself, so that a schedule
/// replays to the nanosecond however busy the machine. It only grows,
/// across runs too, which no reading of `Instant` can tell from time
/// passing.
static CLOCK: AtomicU64 = AtomicU64::new(0);

/// Where the clock starts: far enough from zero that code may subtract
/// from an `Instant`.
const EPOCH: Duration = Duration::from_secs(3600);

fn advance(by: Duration) {
    let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
    let _ =
        CLOCK.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |a| Some(a.saturating_add(nanos)));
}

/// Sleeps on the model's clock: moves it on by `duration` and lets the
/// scheduler run any other thread first. Under the model a sleep is no way to
/// make threads take turns, because it is none on a real machine either.
pub fn sleep(duration: Duration) {
    SLEPT.fetch_add(1, Ordering::SeqCst);
    advance(duration);
    shuttle::thread::yield_now();
}

/// A moment on the model's clock, with the methods of `std::time::Instant`
/// that code usually calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Duration);

impl Instant {
    pub fn now() -> Instant {
        Instant(EPOCH + Duration::from_nanos(CLOCK.load(Ordering::SeqCst)))
    }

    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }

    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.0.checked_sub(earlier.0)
    }

    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.0.checked_add(duration).map(Instant)
    }

    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.0.checked_sub(duration).map(Instant)
    }
}

impl std::ops::Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, duration: Duration) -> Instant {
        self.checked_add(duration).expect("overflow when adding duration to instant")
    }
}

impl std::ops::AddAssign<Duration> for Instant {
    fn add_assign(&mut self, duration: Duration) {
        *self = *self + duration;
    }
}

impl std::ops::Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, duration: Duration) -> Instant {
        self.checked_sub(duration).expect("overflow when subtracting duration from instant")
    }
}

impl std::ops::Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}
