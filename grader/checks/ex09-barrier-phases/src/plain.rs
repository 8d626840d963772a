//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::panicking;
use kata_harness::waiting::{judge_idle, watch_idle};
use kata_harness::{ensure, pass, staged, step_limit, within, Step, Steps};
use std::sync::{atomic::AtomicUsize, atomic::Ordering, mpsc, Arc};
use std::time::Duration;

/// Runs one edge (a hang names it), a panic in it told as a broken promise.
fn edge<T>(steps: &Steps, step: Step, f: impl FnOnce() -> T) -> Result<T, Outcome> {
    steps.begin(step);
    panicking::edge(step.0, "the contract names this edge, and it must not panic", f)
}

const NEW_ONE: Step = (
    "Barrier::new(1) and 3 wait()s on one thread",
    "a wait on a barrier of 1 completes its generation: does it sleep before `arrived == n`?",
);
const NEW_ZERO: Step = (
    "Barrier::new(0) and 3 wait()s on one thread",
    "new(0) acts as new(1), says the contract; a count of 0 is never reached: store n.max(1)",
);
const PHASES: &str = "a barrier of the wrong size? k workers meet at a barrier of k, and with \
                      p = 0 or k = 0 nobody waits at all";
const NO_PHASE: Step = ("run_phases(3, 0, work)", PHASES);
const NO_WORKER: Step = ("run_phases(0, 3, work)", PHASES);
const ONE_WORKER: Step = ("run_phases(1, 4, work)", PHASES);

pub fn edges() -> Verdict {
    staged(step_limit(), |steps| {
        for (n, step) in [(1, NEW_ONE), (0, NEW_ZERO)] {
            let leaders = edge(steps, step, || {
                let barrier = Barrier::new(n);
                (0..3).map(|_| barrier.wait().is_leader()).collect::<Vec<_>>()
            })?;
            ensure(leaders == [true; 3], || {
                fail(format!(
                    "3 wait()s on Barrier::new({n}) on one thread said is_leader() = \
                     {leaders:?}: with one thread to a generation (0 acts as 1) each wait \
                     completes its generation alone, so it is the leader every time"
                ))
            })?;
        }
        let calls = AtomicUsize::new(0);
        let count = |w: usize, j: usize| (calls.fetch_add(1, Ordering::SeqCst), w, j).0;
        let none = edge(steps, NO_PHASE, || run_phases(3, 0, count))?;
        let empty = edge(steps, NO_WORKER, || run_phases(0, 3, count))?;
        let calls = calls.load(Ordering::SeqCst);
        ensure(none.is_empty() && empty == vec![Vec::<usize>::new(); 3] && calls == 0, || {
            fail(format!(
                "run_phases(3, 0, work) returned {none:?} and run_phases(0, 3, work) returned \
                 {empty:?}, with {calls} calls of work: p = 0 is no rows, k = 0 is p empty rows, \
                 and neither calls work"
            ))
        })?;
        let one = edge(steps, ONE_WORKER, || run_phases(1, 4, |w, j| (w, j)))?;
        let want: Vec<_> = (0..4).map(|j| vec![(0, j)]).collect();
        ensure(one == want, || {
            fail(format!(
                "run_phases(1, 4, |w, j| (w, j)) returned {one:?}, not {want:?}: the rows are \
                 the phases, each holding one result per worker (results[phase][worker])"
            ))
        })?;
        Ok(pass("new(1), new(0), p = 0, k = 0 and k = 1 all do what the contract says"))
    })?
}

pub fn generations() -> Verdict {
    let rounds = meetings(4, 200, false).stress(3, step_limit())?;
    let locks: u64 = rounds.iter().flat_map(|r| &r.parts).map(|p| p.did.locks).sum();
    let outcome = pass("3 × 200 generations of 4 threads: nobody out early, one leader each");
    Ok(outcome.figure("facade locks taken in wait()", locks, "> 0 per thread"))
}

pub fn phases_in_order() -> Verdict {
    within(step_limit(), "run_phases(4, 6) with a slow worker, then run_phases(3, 150)", || {
        // A slow worker in every phase, a different one each time: a meeting
        // replaced by a sleep, or by nothing, lets the others past it.
        phased(4, 6, ms(40), false)?;
        phased(3, 150, Duration::ZERO, false)?;
        Ok(pass("no worker began a phase before all had finished the one before, on k threads"))
    })?
}

pub fn waiting_sleeps() -> Verdict {
    const LENGTH: Duration = Duration::from_millis(300);
    let barrier = Arc::new(Barrier::new(3));
    let (done, returned) = mpsc::channel();
    for _ in 0..2 {
        let (barrier, done) = (Arc::clone(&barrier), done.clone());
        std::thread::spawn(move || {
            barrier.wait();
            let _ = done.send(());
        });
    }
    std::thread::sleep(ms(50)); // let both reach wait()
    let idle = watch_idle(LENGTH);
    ensure(returned.try_recv().is_err(), || {
        fail(
            "a wait() on Barrier::new(3) returned while only 2 threads had called it: it must \
             block until the third arrives",
        )
    })?;
    let third = within(step_limit(), "the third wait() on Barrier::new(3)", move || {
        barrier.wait();
        (0..2).all(|_| returned.recv_timeout(Duration::from_secs(5)).is_ok())
    })?;
    ensure(third, || {
        fail(
            "the third wait() returned but the 2 threads waiting were not released within 5 s: \
             the last arrival must wake every waiter (notify_all, under the lock)",
        )
    })?;
    let advice = "A thread at a barrier should sleep on a `Condvar` until the last arrival \
                  wakes it; a loop that checks a flag or a count (with `spin_loop`, \
                  `yield_now` or nothing at all) burns a core per waiting thread.";
    judge_idle(Some(idle), "2 threads blocked in wait() on a barrier for 3", advice)
}
