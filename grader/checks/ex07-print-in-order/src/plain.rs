//! The plain build: real threads, started some time apart.

use super::*;
use kata_harness::turns::{alternating, count};
use kata_harness::waiting::{judge_waiting, watch_wait};
use kata_harness::{fail, ms, pass, step_limit, within};
use std::sync::Arc;
use std::time::Duration;

/// Between two threads' starts: long enough that the later one really
/// arrives later, on a busy machine too.
const APART: Duration = Duration::from_millis(40);

fn names(arrival: [usize; 3]) -> String {
    arrival.map(|i| IN_ORDER[i]).join(", ")
}

pub fn in_order_any_arrival() -> Verdict {
    for arrival in ARRIVALS {
        let log = within(
            step_limit(),
            &format!("InOrder with threads arriving {}", names(arrival)),
            move || {
                let (order, turns) = (InOrder::new(), Turns::new());
                std::thread::scope(|s| {
                    for (k, which) in arrival.into_iter().enumerate() {
                        if k > 0 {
                            std::thread::sleep(APART);
                        }
                        let (order, turns) = (&order, &turns);
                        s.spawn(move || call(order, which, &|w| turns.record(w)));
                    }
                });
                turns.log()
            },
        )?;
        if let Some(what) = first_break(&log, &IN_ORDER) {
            let how = if log.len() > 3 || IN_ORDER.iter().any(|w| count(&log, w) == 0) {
                format!("with the threads arriving {}: {what}. Each closure must run exactly once, on the thread that passed it.", names(arrival))
            } else {
                went_early(&format!("with the threads arriving {}: {what}", names(arrival)))
            };
            return Err(fail(how).figure("closures run", log.join(", "), "first, second, third"));
        }
    }
    Ok(pass("in all 6 orders of arrival, 40 ms apart: first, second, third, once each"))
}

pub fn alternate_strictly() -> Verdict {
    for (n, bar_first) in [(0, false), (1, true), (2, false), (5, true), (50, false), (50, true)] {
        let log = within(
            if n == 0 { ms(2000) } else { step_limit() },
            &format!("Alternate::new({n}), foo and bar on two threads"),
            move || {
                let (alternate, turns) = (Alternate::new(n), Turns::new());
                std::thread::scope(|s| {
                    let (a, t) = (&alternate, &turns);
                    let run_foo = move || a.foo(|| t.record("foo"));
                    let run_bar = move || a.bar(|| t.record("bar"));
                    if bar_first {
                        s.spawn(run_bar);
                        std::thread::sleep(APART);
                        s.spawn(run_foo);
                    } else {
                        s.spawn(run_foo);
                        std::thread::sleep(APART);
                        s.spawn(run_bar);
                    }
                });
                turns.log()
            },
        )
        .map_err(|hung| match n {
            0 => fail(
                "Alternate::new(0): foo and bar did not return. With n = 0 there are no turns to \
                 take: count the turns before each one (`for _ in 0..n`), not after it.",
            ),
            _ => hung,
        })?;
        if let Some(what) = first_break(&log, &alternating("foo", "bar", n)) {
            let first = if bar_first { "bar" } else { "foo" };
            let (foos, bars) = (count(&log, "foo"), count(&log, "bar"));
            return Err(fail(format!(
                "Alternate::new({n}) with {first}'s thread started first: {what}. foo and bar \
                 must take strict turns, foo first, n = {n} each: after its closure, a side \
                 hands the turn to the other and waits (in a `while` loop) until it comes back."
            ))
            .figure(
                "closures run (foo, bar)",
                format!("{foos}, {bars}"),
                format!("{n}, {n}"),
            ));
        }
    }
    Ok(pass("n = 0, 1, 2, 5, 50, either thread started first: foo, bar, foo, bar, ... n of each"))
}

pub fn waits_asleep() -> Verdict {
    let order = Arc::new(InOrder::new());
    let turns = Arc::new(Turns::new());
    let (early, log) = (Arc::clone(&order), Arc::clone(&turns));
    let waited = watch_wait(
        "third(), called before first()",
        Duration::from_millis(300),
        step_limit(),
        move || early.third(|| log.record("third")),
        || {
            call(&order, 0, &|w| turns.record(w));
            call(&order, 1, &|w| turns.record(w));
        },
    )?;
    judge_waiting(&waited, "a thread waiting in third() for its turn")
}
