//! The hidden checks of ex01 · Spawn and join.
//!
//! Every check hands `parallel_map` a function `f` that the check itself
//! instruments: it counts the threads that ran it and how many ran at once.
//! Nothing your code reports is trusted.

use kata_harness::measure::{Gauge, Threads};
use kata_harness::{ensure, fail, pass, within, Check, Verdict};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

kata_harness::exercise!(parallel_map);

const LIMIT: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    kata_harness::main(&[
        Check::new(
            "order-kept",
            "results come back in the order of the items",
            order_kept,
        ),
        Check::new(
            "runs-in-parallel",
            "f runs on min(n, len) threads at the same time",
            runs_in_parallel,
        ),
        Check::new(
            "fewer-items-than-threads",
            "3 items on 8 threads: 3 threads, right results",
            fewer_items,
        ),
        Check::new("empty-input", "no items, no results, no panic", empty_input),
    ])
}

fn order_kept() -> Verdict {
    // Later items finish first, so a solution that collects results in
    // completion order gets them backwards.
    let items: Vec<u64> = (0..40).collect();
    let got = within(LIMIT, "parallel_map on 40 items", move || {
        parallel_map(
            items,
            |x| {
                thread::sleep(Duration::from_millis(40 - x));
                x * 3 + 1
            },
            4,
        )
    })?;
    let want: Vec<u64> = (0..40).map(|x| x * 3 + 1).collect();
    ensure(got.len() == want.len(), || {
        fail(format!(
            "expected {} results, got {}",
            want.len(),
            got.len()
        ))
    })?;
    if let Some(i) = (0..want.len()).find(|&i| got[i] != want[i]) {
        return Err(fail(format!(
            "result {i} is {}, but f(items[{i}]) is {}: results must come back in the order of the items, not in the order threads finish",
            got[i], want[i]
        )));
    }
    Ok(pass("all 40 results in order"))
}

fn runs_in_parallel() -> Verdict {
    // 6 items on 4 threads: splitting by `div_ceil` would make 3 parts of 2.
    let (items, n) = ((0..6).collect::<Vec<u32>>(), 4);
    let threads = Threads::new();
    let gauge = Gauge::new();
    let got = thread::scope(|s| {
        let worker = s.spawn(|| {
            parallel_map(
                items,
                |x| {
                    threads.record();
                    let _inside = gauge.enter();
                    thread::sleep(Duration::from_millis(60));
                    x + 1
                },
                n,
            )
        });
        // A hang is caught by the grader's time limit; here we only wait.
        worker.join()
    });
    let got = match got {
        Ok(got) => got,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    ensure(got == [1, 2, 3, 4, 5, 6], || {
        fail(format!("wrong results: {got:?}"))
    })?;
    let distinct = threads.count();
    ensure(distinct == 4, || {
        fail(format!(
            "f ran on {distinct} thread(s), but 6 items on n = 4 threads should use all 4. \
             Split the items so that part sizes differ by at most one."
        ))
        .figure("threads that ran f", distinct, "== 4")
    })?;
    let peak = gauge.peak();
    ensure(peak == 4, || {
        fail(format!(
            "only {peak} call(s) of f ever ran at the same time: did you join each thread right after spawning it? \
             Spawn them all first, then join them."
        ))
        .figure("calls of f at once", peak, "== 4")
    })?;
    Ok(pass("4 threads, all running at once")
        .figure("threads that ran f", distinct, "== 4")
        .figure("calls of f at once", peak, "== 4"))
}

fn fewer_items() -> Verdict {
    let threads = std::sync::Arc::new(Threads::new());
    let seen = std::sync::Arc::clone(&threads);
    let got = within(LIMIT, "parallel_map of 3 items on 8 threads", move || {
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
    ensure(got == ["A", "B", "C"], || {
        fail(format!("wrong results: {got:?}"))
    })?;
    let distinct = threads.count();
    ensure(distinct == 3, || {
        fail(format!(
            "f ran on {distinct} thread(s); 3 items on 8 threads should use 3"
        ))
        .figure("threads that ran f", distinct, "== 3")
    })?;
    Ok(pass("3 items, 3 threads, right results"))
}

fn empty_input() -> Verdict {
    let got = within(LIMIT, "parallel_map of no items", || {
        parallel_map(Vec::<u8>::new(), |x| x, 4)
    })?;
    ensure(got.is_empty(), || {
        fail(format!("expected no results, got {got:?}"))
    })?;
    Ok(pass("no items, no results"))
}
