//! The model build: shuttle picks every interleaving, spurious wake-ups and
//! time-outs included.

use super::*;
use kata_harness::contention::{Part, Scenario, Turn};
use kata_harness::measure::Gauge;
use kata_harness::model::{self, by_tag, until_asleep};
use kata_harness::timed::{gives_up_on_time, released_in_time, HOUR};
use kata_harness::Outcome;
use kata_sync::model::{narrate, sleeps, Failure};
use kata_sync::thread::yield_now;

/// Tells what an acquire returned and holds it a step inside `gauge`.
fn hold(what: &str, permit: Option<Permit<'_>>, gauge: &Gauge) {
    model::hold(what, some(&permit), permit, gauge);
}

/// The lesson of a failed holder scenario, by the tag its panic carries.
fn explain(failure: &Failure) -> String {
    let polls = "a waiter called thread::sleep: it sleeps and looks again, in a loop. Sleep on a \
                 `Condvar` instead, and let the drop of a permit wake you.";
    let over = "more threads held a permit than there are permits (or the count went below 0): \
                a waiter left `wait` and took a permit that was not there. A wake-up only means \
                \"look again\" (spurious, or another thread was first): wait in a `while` loop, \
                and check and take in one lock scope.";
    let stuck = "a thread slept in acquire() next to a free permit: the model checker found \
                 every other thread done and it still waiting. Dropping a permit must raise \
                 the count under the mutex the waiters sleep on, and then notify the condvar.";
    let free = "once every permit was back, available() said fewer were free: read the count \
                under the lock that acquires and drops change (a copy in an atomic, stored after \
                the lock is let go, may lag behind)";
    by_tag(failure, &[("POLLS", polls), ("overflow", over), ("OVER", over), ("FREE", free)], stuck)
}

/// A semaphore of `permits` and the check's gauge of its holders.
type State = (Semaphore, Gauge);

/// The judgement of every scenario: never more holders than `permits`.
fn bounded(permits: usize) -> impl Fn(&State, &[Part<()>]) -> Result<(), Outcome> {
    move |(sem, gauge), _| {
        assert!(gauge.peak() <= permits, "OVER: {} holders of {permits}", gauge.peak());
        assert!(sleeps() == 0, "POLLS: a waiter slept in a loop");
        // Above `permits` the count went wrong (OVER); below, available() read a copy (FREE).
        let free = sem.available();
        assert!(free <= permits, "OVER: available() says {free} of {permits} once all are back");
        assert!(free == permits, "FREE: available() says {free} of {permits} once all are back");
        Ok(())
    }
}

pub fn no_lost_wake_up() -> Verdict {
    // Then 2 back in a row while 2 wait: a drop that notifies only from 0 wakes one.
    lost_wake_up(1)?;
    lost_wake_up(2)
}

/// `permits` holders and 2 waiters: once both sleep, the holders give back, both must get one.
fn lost_wake_up(permits: usize) -> Verdict {
    fn waiter((sem, gauge): &State, _: &Turn) {
        hold("acquire()", Some(sem.acquire()), gauge);
    }
    fn holder((sem, gauge): &State, _: &Turn) {
        let held = sem.acquire();
        let inside = gauge.enter(); // inside from taking to giving back, not a moment longer
        narrate("takes a permit");
        until_asleep(2); // both waiters asleep: now give it back
        narrate("drops its permit");
        drop((inside, held));
    }
    let state = move || (Semaphore::new(permits), Gauge::new());
    Scenario::new(format!("2 waiters on {permits} permit(s)"), state)
        .threads(permits, holder)
        .thread("waiter A", waiter)
        .thread("waiter B", waiter)
        .judge(bounded(permits))
        .check("both waiters got a permit", explain)
}

pub fn peak_bounded() -> Verdict {
    let two = || (Semaphore::new(2), Gauge::new());
    let a = |(sem, gauge): &State, _: &Turn| {
        hold("acquire()", Some(sem.acquire()), gauge);
        hold("acquire()", Some(sem.acquire()), gauge);
    };
    Scenario::new("3 threads on 2 permits", two)
        .thread("thread A", a)
        .thread("thread B", |(sem, gauge), _| {
            hold("acquire()", Some(sem.acquire()), gauge);
            hold("acquire_timeout(1 hour)", sem.acquire_timeout(HOUR), gauge);
        })
        .thread("thread C", |(sem, gauge), _| {
            hold("try_acquire()", sem.try_acquire(), gauge);
            hold("acquire()", Some(sem.acquire()), gauge);
        })
        .judge(bounded(2))
        .check("never more than 2 holders", explain)?;
    // A holds 1 of 2 at most: try_acquire must get the other, even while A has the lock.
    Scenario::new("try_acquire() while thread A takes and gives back 1 of 2 permits", two)
        .thread("thread A", a)
        .thread("thread B", |(sem, gauge), _| {
            let permit = sem.try_acquire();
            assert!(permit.is_some(), "{BUSY}");
            hold("try_acquire()", permit, gauge);
        })
        .judge(bounded(2))
        .check("try_acquire() took the free permit", explain)
}

const BUSY: &str = "try_acquire() said None with a permit free, as thread A held the lock for a \
                    moment: \"try\" means do not wait for a permit, not do not wait for the lock. \
                    Take it with `lock()` (not `try_lock()`); None only when the count is 0.";

pub fn timeout_on_time() -> Verdict {
    const TIMEOUT: Duration = Duration::from_millis(100);
    let what = "acquire_timeout(100 ms) with 0 permits";
    gives_up_on_time(what, "a permit", TIMEOUT, || {
        let sem = Semaphore::new(0);
        let before = kata_sync::time::Instant::now();
        assert!(sem.try_acquire().is_none(), "try_acquire() at 0 permits gave a permit");
        let waited = before.elapsed();
        assert!(
            waited.is_zero(),
            "try_acquire() at 0 permits waited {waited:?} on the model's clock: it answers \
             at once (None), it never waits for a permit; waiting is acquire_timeout's job"
        );
        let got = sem.acquire_timeout(TIMEOUT).is_some();
        got
    })
}

pub fn timeout_takes_returned() -> Verdict {
    let (what, release) = ("acquire_timeout(1 hour)", "the only permit was given back");
    let waiter = |sem: &Semaphore| sem.acquire_timeout(HOUR).is_some();
    let releaser = |sem: &Semaphore| {
        let held = sem.acquire();
        narrate("takes the only permit, and gives it back");
        yield_now();
        drop(held);
    };
    released_in_time(what, release, || Semaphore::new(1), waiter, releaser)
}
