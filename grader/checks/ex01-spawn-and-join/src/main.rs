//! The hidden checks of ex01 · Spawn and join.
//!
//! Every check hands `parallel_map` a function `f` that the check itself
//! instruments: it counts the threads that ran it, how many calls ran at
//! once, and how many threads the process had meanwhile. Nothing your code
//! reports is trusted. The calls of `f` that must overlap wait for each
//! other (up to a deadline), so running them at once is what makes them
//! finish, not luck; and the shapes vary (several lengths and thread
//! counts), so code that is parallel only on one shape is seen.

use kata_harness::measure::{Gauge, Meeting, ThreadPeak, Threads};
use kata_harness::panicking;
use kata_harness::{ensure, fail, pass, step_limit, within, Verdict};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

kata_harness::exercise!(parallel_map);

fn main() -> std::process::ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "order-kept" => order_kept,
            "results come back in the order of the items";
        "runs-in-parallel" => runs_in_parallel,
            "f runs on min(n, len) threads at the same time";
        "fewer-items-than-threads" => fewer_items,
            "3 items on 8 threads: 3 threads, right results";
        "empty-input" => empty_input,
            "no items, no results, no panic";
        "panics-as-documented" => panics_as_documented,
            "n = 0 panics, and a panic in f reaches the caller";
    })
}

/// (items, threads): 6 on 4 first (splitting by `div_ceil` makes 3 parts of
/// 2), then other lengths and counts, fewer items than threads among them.
const SHAPES: [(u32, usize); 5] = [(6, 4), (7, 3), (5, 2), (10, 4), (3, 8)];

fn order_kept() -> Verdict {
    // Later items finish first, so a solution that collects results in
    // completion order gets them backwards. A quarter of a millisecond per
    // step is enough to order them (the timer's slack is 50 µs) and keeps
    // the learner's loop short: 90 ms for 4 static chunks, not 360.
    let items: Vec<u64> = (0..40).collect();
    let got = within(step_limit(), "parallel_map on 40 items", move || {
        parallel_map(
            items,
            |x| {
                thread::sleep(Duration::from_micros(250 * (40 - x)));
                x * 3 + 1
            },
            4,
        )
    })?;
    let want: Vec<u64> = (0..40).map(|x| x * 3 + 1).collect();
    ensure(got.len() == want.len(), || {
        fail(format!("expected {} results, got {}", want.len(), got.len()))
    })?;
    if let Some(i) = (0..want.len()).find(|&i| got[i] != want[i]) {
        return Err(fail(format!(
            "result {i} is {}, but f(items[{i}]) is {}: results must come back in the order of the items, not in the order threads finish",
            got[i], want[i]
        )));
    }
    Ok(pass("all 40 results in order"))
}

/// What one shape's run saw.
struct Ran {
    got: Vec<u32>,
    /// Whether the thread that called `parallel_map` ran `f` itself.
    caller_ran: bool,
    /// Distinct threads that ran `f`, the most calls at once, and the most
    /// threads the process had above the number before the call.
    threads: usize,
    at_once: usize,
    alive: Option<usize>,
}

/// `parallel_map` of `0..len` on `n` threads with an `f` that waits until
/// min(n, len) calls are in it at once (or the deadline): code that runs
/// them one after another loses the patience once, then goes on.
fn run_shape(len: u32, n: usize) -> Result<Ran, kata_harness::Outcome> {
    let together = n.min(len as usize);
    let what = format!("parallel_map of {len} items on {n} threads");
    within(step_limit(), &what, move || {
        let (threads, gauge, meeting) =
            (Threads::new(), Gauge::new(), Meeting::new(step_limit() / 2));
        let peak = ThreadPeak::new();
        let f = |x: u32| {
            threads.record();
            let _inside = gauge.enter();
            peak.look();
            meeting.meet(together);
            x + 1
        };
        let got = parallel_map((0..len).collect(), f, n);
        Ran {
            got,
            caller_ran: threads.contains(thread::current().id()),
            threads: threads.count(),
            at_once: gauge.peak(),
            alive: peak.peak(),
        }
    })
}

fn runs_in_parallel() -> Verdict {
    let mut seen = Vec::new();
    for (len, n) in SHAPES {
        let ran = run_shape(len, n)?;
        let want: Vec<u32> = (1..=len).collect();
        ensure(ran.got == want, || fail(format!("wrong results: {:?}", ran.got)))?;
        let k = n.min(len as usize);
        let distinct = ran.threads;
        ensure(!(ran.caller_ran && distinct == 1), || {
            fail(format!(
                "f ran only on the thread that called parallel_map, for {len} items on n = {n}: no \
                 thread was started. Start min(n, len) threads whatever the number of items: a thread \
                 costs microseconds, and `thread::scope` makes them easy to write."
            ))
            .figure("threads that ran f", 1, format!("== {k}"))
        })?;
        let peak = ran.at_once;
        if let Some(alive) = ran.alive.filter(|alive| peak < k && *alive >= k) {
            // The threads existed together, but took turns calling f.
            return Err(fail(format!(
                "only {peak} call(s) of f ever ran at the same time, though {alive} of your threads \
                 were alive at once ({len} items on n = {n}): something makes them take turns. A lock \
                 held around `f`, or around each thread's whole loop? `f` is `Sync`: every thread \
                 may call it at the same time, with no lock at all."
            ))
            .figure("calls of f at once", peak, format!("== {k}")));
        }
        ensure(distinct == k, || {
            fail(format!(
                "f ran on {distinct} thread(s), but {len} items on n = {n} threads should use all {k}. \
                 Split the items so that part sizes differ by at most one."
            ))
            .figure("threads that ran f", distinct, format!("== {k}"))
        })?;
        ensure(peak == k, || {
            fail(format!(
                "only {peak} call(s) of f ever ran at the same time: did you join each thread right after spawning it? \
                 Spawn them all first, then join them."
            ))
            .figure("calls of f at once", peak, format!("== {k}"))
        })?;
        seen.push(format!("{len} items on {n}"));
    }
    let (len, n) = SHAPES[0];
    let k = n.min(len as usize);
    Ok(pass(format!("{k} threads, all running at once"))
        .figure("threads that ran f", k, format!("== {k}"))
        .figure("calls of f at once", k, format!("== {k}"))
        .detail(format!("The same on every shape: {}.", seen.join(", "))))
}

fn fewer_items() -> Verdict {
    let threads = Arc::new(Threads::new());
    let seen = Arc::clone(&threads);
    let got = within(step_limit(), "parallel_map of 3 items on 8 threads", move || {
        parallel_map(
            vec!["a".to_string(), "b".to_string(), "c".to_string()],
            |s| {
                seen.record();
                thread::sleep(Duration::from_millis(20));
                s.to_uppercase()
            },
            8,
        )
    })?;
    ensure(got == ["A", "B", "C"], || fail(format!("wrong results: {got:?}")))?;
    let distinct = threads.count();
    ensure(distinct == 3, || {
        fail(format!("f ran on {distinct} thread(s); 3 items on 8 threads should use 3")).figure(
            "threads that ran f",
            distinct,
            "== 3",
        )
    })?;
    Ok(pass("3 items, 3 threads, right results"))
}

fn empty_input() -> Verdict {
    let got = within(step_limit(), "parallel_map of no items", || {
        parallel_map(Vec::<u8>::new(), |x| x, 4)
    })?;
    ensure(got.is_empty(), || fail(format!("expected no results, got {got:?}")))?;
    Ok(pass("no items, no results"))
}

/// The stub's contract: "Panics if `n` is zero, or if `f` panics."
fn panics_as_documented() -> Verdict {
    panicking::quiet_deliberate_panics();
    let (zero, in_f) = within(step_limit(), "parallel_map that must panic", || {
        panicking::expecting_panics(|| {
            let zero = catch_unwind(|| parallel_map(vec![1u8, 2, 3], |x| x, 0));
            let f = |x| match x {
                4 => panicking::deliberate_panic(),
                x => x,
            };
            let in_f = catch_unwind(AssertUnwindSafe(|| parallel_map((0..6u8).collect(), f, 3)));
            (zero, in_f)
        })
    })?;
    let stub =
        |ran: &std::thread::Result<_>| matches!(ran, Err(p) if panicking::is_todo(p.as_ref()));
    ensure(!stub(&zero) && !stub(&in_f), || fail(panicking::STILL_A_STUB))?;
    let (zero, in_f) = (zero.ok(), in_f.ok());
    if let Some(got) = zero {
        return Err(fail(format!(
            "parallel_map(items, f, 0) returned {got:?}: with no thread to run f, the items would be \
             dropped unseen. The contract says it panics: begin with `assert!(n > 0)`."
        )));
    }
    if let Some(got) = in_f {
        return Err(fail(format!(
            "f panicked on one item, yet parallel_map returned {got:?}: a panic in a thread must reach \
             the caller, not vanish with that thread's results. Join each handle and pass its panic \
             on (`handle.join().unwrap()`, or `std::panic::resume_unwind`)."
        )));
    }
    Ok(pass("n = 0 panics, and a panic in f reaches the caller"))
}
