//! The model build: shuttle races threads at one instant.

use super::*;
use kata_harness::contention::{Part, Scenario, Turn};
use kata_harness::model::by_tag;
use kata_sync::model::{narrate, Failure};

/// The lesson of a failed scenario, by the tag its panic carries.
fn explain(failure: &Failure) -> String {
    let over = "more threads were granted than the window had slots: two threads both saw the \
                last free slot, then both took it. Count and record in one lock scope (the look \
                at the log and the push under the same guard); an atomic counter that is read, \
                compared and then incremented has the same gap.";
    let refused = "a thread was refused while a slot was free: another thread held the lock at \
                   that moment, and \"try\" means do not wait for a slot, not do not wait for \
                   the lock. Take it with `lock()`, not `try_lock()`.";
    by_tag(failure, &[("OVER", over), ("REFUSED", refused)], "a lock taken twice, or never let go?")
}

type State = (SlidingWindow, Instant); // the limiter, and the instant every thread calls at
/// `threads` threads call try_acquire at one instant, with `free` slots.
fn race(rate: usize, held: usize, threads: usize) -> Verdict {
    let free = rate - held;
    let setup = move || {
        let limiter = limiter(rate, 100).unwrap_or_else(|o| panic!("{}", o.message));
        let t0 = Instant::now();
        let grants = (0..held).filter(|_| limiter.try_acquire(t0)).count();
        assert_eq!(grants, held, "REFUSED: a call refused in an empty window");
        (limiter, t0 + ms(50))
    };
    let call = |(limiter, now): &State, _: &Turn| {
        let granted = limiter.try_acquire(*now);
        narrate(["is refused", "is granted"][usize::from(granted)]);
        granted
    };
    let judge = move |_: &State, parts: &[Part<bool>]| {
        let granted = parts.iter().filter(|p| p.result).count();
        assert!(granted <= free, "OVER: {granted} granted with {free} free slot(s)");
        assert!(granted == free.min(threads), "REFUSED: {granted} granted with {free} free");
        Ok(())
    };
    let what = format!("{threads} threads at one instant, rate {rate}, {held} already granted");
    Scenario::new(what, setup)
        .threads(threads, call)
        .judge(judge)
        .check(&format!("never more than {free} granted, and every free slot taken"), explain)
}

pub fn never_over() -> Verdict {
    race(2, 1, 2)?;
    race(2, 0, 3)?;
    race(3, 0, 3)
}
