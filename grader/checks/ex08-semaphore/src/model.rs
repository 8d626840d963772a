//! The model build: shuttle picks every interleaving, spurious wake-ups and
//! time-outs included.

use super::*;
use kata_harness::contention::{Part, Scenario, Turn};
use kata_harness::measure::Gauge;
use kata_harness::model::by_tag;
use kata_harness::timed::{gives_up_on_time, released_in_time, HOUR};
use kata_harness::Outcome;
use kata_sync::model::{asleep, narrate, sleeps, Failure};
use kata_sync::thread::yield_now;

/// Tells of `permit` and holds it for a step, inside the check's gauge.
fn hold(what: &str, permit: Option<Permit<'_>>, gauge: &Gauge) {
    narrate(format!("{what}: {}", some(&permit)));
    if permit.is_some() {
        let _inside = gauge.enter();
        yield_now();
        narrate("drops its permit");
    }
}

/// What a failure of the holder scenarios teaches, by the tag its panic
/// carries.
fn explain(failure: &Failure) -> String {
    let polls = "a waiter called thread::sleep: it sleeps and looks again, in a loop. Sleep on a \
                 `Condvar` instead, and let the drop of a permit wake you.";
    let over = "more threads held a permit than there are permits (or the count went below \
                zero): a waiter left `wait` and took a permit that was not there. A wake-up \
                only means \"look again\" (it may be spurious, or another thread took the \
                permit first): wait in a `while` loop, and check and take in one lock scope.";
    let stuck = "a thread slept in acquire() next to a free permit: the model checker found \
                 every other thread done and it still waiting. Dropping a permit must raise \
                 the count under the mutex the waiters sleep on, and then notify the condvar.";
    by_tag(failure, &[("POLLS", polls), ("overflow", over), ("OVER", over)], stuck)
}

/// A semaphore of `permits` and the check's gauge of its holders.
type State = (Semaphore, Gauge);

/// The judgement of both scenarios: never more holders than `permits`.
fn bounded(permits: usize) -> impl Fn(&State, &[Part<()>]) -> Result<(), Outcome> {
    move |(_, gauge), _| {
        let peak = gauge.peak();
        assert!(peak <= permits, "OVER: {peak} holders of {permits}");
        assert!(sleeps() == 0, "POLLS: a waiter slept in a loop");
        Ok(())
    }
}

pub fn no_lost_wake_up() -> Verdict {
    fn waiter((sem, gauge): &State, _: &Turn) {
        hold("acquire()", Some(sem.acquire()), gauge);
    }
    let state = || (Semaphore::new(1), Gauge::new());
    Scenario::new("2 waiters on 1 permit", state)
        .thread("holder", |(sem, gauge), _| {
            let held = sem.acquire();
            narrate("takes the only permit");
            let inside = gauge.enter();
            // Give both waiters the chance to fall asleep, then give it back.
            for _ in (0..100).take_while(|_| asleep() < 2) {
                yield_now();
            }
            narrate("drops the only permit");
            drop((inside, held));
        })
        .thread("waiter A", waiter)
        .thread("waiter B", waiter)
        .judge(bounded(1))
        .check("both waiters got the permit in turn", explain)
}

pub fn peak_bounded() -> Verdict {
    let state = || (Semaphore::new(2), Gauge::new());
    Scenario::new("3 threads on 2 permits", state)
        .thread("thread A", |(sem, gauge), _| {
            hold("acquire()", Some(sem.acquire()), gauge);
            hold("acquire()", Some(sem.acquire()), gauge);
        })
        .thread("thread B", |(sem, gauge), _| {
            hold("acquire()", Some(sem.acquire()), gauge);
            hold("acquire_timeout(1 hour)", sem.acquire_timeout(HOUR), gauge);
        })
        .thread("thread C", |(sem, gauge), _| {
            hold("try_acquire()", sem.try_acquire(), gauge);
            hold("acquire()", Some(sem.acquire()), gauge);
        })
        .judge(bounded(2))
        .check("never more than 2 holders", explain)
}

pub fn timeout_on_time() -> Verdict {
    const TIMEOUT: Duration = Duration::from_millis(100);
    let what = "acquire_timeout(100 ms) with 0 permits";
    gives_up_on_time(what, "a permit", TIMEOUT, || {
        Semaphore::new(0).acquire_timeout(TIMEOUT).is_some()
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
