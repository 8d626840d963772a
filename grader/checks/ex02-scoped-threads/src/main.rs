//! The hidden checks of ex02 · Threads that borrow.
//!
//! Every check hands `chunked_sum_by` an `f` of its own, and `f` does the
//! measuring: which thread called it, how many elements each thread got,
//! and (where it burns CPU) when each call ran and how much of that time
//! its thread spent on a core. Nothing your code reports is trusted. The
//! process's own counters say the rest: its peak memory (a copy of the data
//! shows) and its threads before and after the call (one left behind
//! shows).

use kata_harness::calibrate::{crunch, rounds_for};
use kata_harness::cpu;
use kata_harness::judge::Judgement;
use kata_harness::measure::Meeting;
use kata_harness::panicking;
use kata_harness::protocol::human_duration;
use kata_harness::together::{Busy, Overlap, Started};
use kata_harness::{ensure, fail, inconclusive, ms, pass, step_limit, within, Outcome, Verdict};
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread::{self, ThreadId};

kata_harness::exercise!(chunked_sum, chunked_sum_by);

fn main() -> std::process::ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "sums-right" => sums_right,
            "the sum is right on every edge, and wraps past u64::MAX";
        "threads-and-shares" => threads_and_shares,
            "f runs once per element on min(k, len) threads, shares differing by at most one, none left after";
        "runs-at-once" => runs_at_once,
            "the threads are busy on cores at the same time (judged where a core is free)";
        "borrows-the-data" => borrows_the_data,
            "the slice is read where it is, not copied";
        "panics-as-documented" => panics_as_documented,
            "k = 0 panics (even on empty data), and a panic in f reaches the caller";
    })
}

/// (len, k): every edge the contract names. Empty data; one element; k = 1;
/// k = len; k > len; lengths k does not divide (6 on 4 is where chunks of
/// `div_ceil` make 3 shares, 10 on 4 where `len / k` loses 2).
const SHAPES: [(usize, usize); 13] = [
    (0, 1),
    (0, 5),
    (1, 1),
    (1, 4),
    (5, 1),
    (8, 8),
    (3, 8),
    (10, 4),
    (6, 4),
    (7, 3),
    (9, 2),
    (100, 7),
    (1000, 16),
];

/// 1, 2, ..., len: small sums a message can show.
fn small(len: usize) -> Vec<u64> {
    (1..=len as u64).collect()
}

/// Values near 2^64, so that any sum of two or more wraps.
fn big(len: usize) -> Vec<u64> {
    (0..len as u64).map(|i| u64::MAX - i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % (1 << 40)).collect()
}

/// The check's `f` for sums: not linear, so that a missed or doubled
/// element changes the sum in a way no other mistake does.
fn mix(x: u64) -> u64 {
    x.rotate_left(13) ^ 0x5DEE_CE66_D1CE_4E5B
}

fn wrapping(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0, u64::wrapping_add)
}

fn sums_right() -> Verdict {
    let mut tried = 0;
    for (len, k) in SHAPES.into_iter().filter(|&(_, k)| k > 0) {
        for (data, kind) in [(small(len), "1 to len"), (big(len), "values near u64::MAX")] {
            let want = (wrapping(data.iter().copied()), wrapping(data.iter().map(|&x| mix(x))));
            let what = format!("chunked_sum of {len} elements ({kind}) on k = {k}");
            let input = data.clone();
            let got = within(step_limit(), &what, move || {
                catch_unwind(AssertUnwindSafe(|| {
                    (chunked_sum(&input, k), chunked_sum_by(&input, k, mix))
                }))
            })?;
            let got = match got {
                Ok(got) => got,
                Err(panic) if panicking::is_todo(panic.as_ref()) => resume_unwind(panic),
                Err(panic) => {
                    let text = panicking::panic_text(panic.as_ref());
                    return Err(panicked(&what, &text, kind != "1 to len"));
                }
            };
            ensure(got.0 == want.0, || wrong_sum(&what, &data, k, got.0, want.0))?;
            ensure(got.1 == want.1, || {
                fail(format!(
                    "{what}: chunked_sum was right, but chunked_sum_by(data, {k}, f) returned {}, \
                     not {}: f must be applied to every element exactly once, and the f(x) added \
                     up with wrapping_add",
                    got.1, want.1
                ))
            })?;
            tried += 1;
        }
    }
    Ok(pass(format!("{tried} sums right, from empty data to k > len, wrapping included")))
}

/// A sum that panicked: on big values (the same shape with small ones
/// passed just before), an overflow.
fn panicked(what: &str, text: &str, big: bool) -> Outcome {
    let advice = if big || text.contains("overflow") {
        "These values add up past u64::MAX, and the contract says the sum wraps: `+` and \
         `.sum()` panic on overflow (kata builds with overflow checks), so add with \
         `wrapping_add`, in each thread and when adding the threads' sums."
    } else {
        "Every shape the contract names must work: empty data returns 0, and k > len uses one \
         thread per element (`chunks(0)` panics, and so does a split that asks for more elements \
         than there are)."
    };
    fail(format!("{what} panicked ({text}). {advice}"))
}

/// Says which mistake a wrong sum looks like: a lost tail, a saturated or
/// truncated sum.
fn wrong_sum(what: &str, data: &[u64], k: usize, got: u64, want: u64) -> Outcome {
    let lost = (1..data.len()).find(|&r| wrapping(data[..data.len() - r].iter().copied()) == got);
    let why = match lost {
        Some(r) => format!(
            "that is the sum without the last {r} element(s): shares of len / k = {} elements \
             leave the last len % k unsummed. Give the first len % k shares one element more.",
            data.len() / k.min(data.len()).max(1)
        ),
        None if got == u64::MAX => {
            "u64::MAX: a saturating add? The contract says the sum wraps (`wrapping_add`).".into()
        }
        None => "every element must be added exactly once, with wrapping_add.".into(),
    };
    fail(format!("{what} returned {got}, not {want}: {why}"))
}

/// Elements of f per thread, counted by the check's `f`.
#[derive(Default)]
struct Shares(Mutex<HashMap<ThreadId, usize>>);

impl Shares {
    fn record(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(thread::current().id()).or_default() += 1;
    }
    fn sizes(&self) -> Vec<usize> {
        let mut sizes: Vec<usize> =
            self.0.lock().unwrap_or_else(|e| e.into_inner()).values().copied().collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes
    }
}

fn threads_and_shares() -> Verdict {
    let mut j = Judgement::new();
    for (len, k) in SHAPES {
        let what = format!("chunked_sum_by of {len} elements on k = {k}");
        let (sizes, left) = within(step_limit(), &what, move || {
            let (data, shares) = (small(len), Shares::default());
            let started = Started::new();
            chunked_sum_by(&data, k, |x| {
                shares.record();
                x
            });
            (shares.sizes(), started.left_after(ms(500)))
        })?;
        let n = k.min(len);
        let want: Vec<usize> = (0..n).map(|i| len / n + usize::from(i < len % n)).collect();
        let calls: usize = sizes.iter().sum();
        j.ensure(calls == len, || {
            format!(
                "{what}: f was called {calls} time(s) for {len} elements. Each element is summed \
                 exactly once, by the one thread whose share holds it."
            )
        })?;
        j.ensure(sizes.len() == n, || {
            let why = if sizes.len() == 1 {
                "only one thread ran f: start one thread per share, even for small inputs (a \
                 thread costs microseconds)"
                    .to_string()
            } else if sizes.len() < n {
                format!(
                    "shares of len.div_ceil(k) = {} leave threads without work",
                    len.div_ceil(k)
                )
            } else {
                "more threads than shares: an element is never split between threads".into()
            };
            format!(
                "{what}: f ran on {} thread(s), shares {sizes:?}, but the contract says \
                 min(k, len) = {n} threads, shares {want:?}: {why}.",
                sizes.len()
            )
        })?;
        j.ensure(sizes == want, || {
            format!(
                "{what}: shares of {sizes:?} elements, but they must differ by at most one: \
                 {want:?}. The first len % k shares take one element more (not all of the rest \
                 piled on the last thread, which then works longest while the others wait)."
            )
        })?;
        if let Some(left) = left.filter(|&l| l > 0) {
            return Err(j.fail(format!(
                "{what}: {left} thread(s) your call started were still running 500 ms after it \
                 returned. Every thread must have ended when chunked_sum_by returns: spawn them in \
                 `thread::scope`, which joins them all, or join every handle yourself."
            )));
        }
    }
    j.figure("shapes", SHAPES.len(), format!("== {}", SHAPES.len()));
    Ok(j.pass("min(k, len) threads on every shape, shares differing by at most one, none left"))
}

/// The CPU-heavy run: `ELEMENTS` calls of about `CALL` ms each, on 2
/// threads (the most a 2-core machine can run at once), up to `ROUNDS`
/// times until one shows them running together.
const ELEMENTS: usize = 12;
const CALL: u64 = 2;
const ROUNDS: usize = 6;

/// What one run of `runs-at-once` saw: the spans of whole calls of f (with
/// the wait of each thread's first call for the other thread), and the
/// spans of their CPU work alone.
fn run_heavy(body: [u8; 16], rounds: u64) -> Result<(Overlap, Overlap), Outcome> {
    let what = format!("chunked_sum_by of {ELEMENTS} CPU-heavy elements on k = 2");
    let want: u64 = (0..ELEMENTS as u64).sum();
    let limit = step_limit() / (ROUNDS as u32 + 1);
    let (got, calls, work) = within(limit, &what.clone(), move || {
        let data: Vec<u64> = (0..ELEMENTS as u64).collect();
        let (calls, work, firsts) = (Busy::new(), Busy::new(), Mutex::new(HashSet::new()));
        // Each thread's first call waits (up to a deadline) for the other
        // thread's, so threads that exist at the same time are seen inside
        // f together whatever the load; threads run one after another (a
        // join in the spawn loop, a lock around f) never are.
        let meeting = Meeting::new(limit / 2);
        let got = chunked_sum_by(&data, 2, |x| {
            calls.time(|| {
                if firsts.lock().unwrap_or_else(|e| e.into_inner()).insert(thread::current().id()) {
                    meeting.meet(2);
                }
                work.time(|| std::hint::black_box(crunch(&body, rounds)));
            });
            x
        });
        (got, calls.overlap(), work.overlap())
    })?;
    ensure(got == want, || fail(format!("{what} returned {got}, not {want}")))?;
    Ok((calls, work))
}

fn runs_at_once() -> Verdict {
    let body = [0x5Au8; 16];
    let rounds = rounds_for(&body, ms(CALL));
    let mut probes = Vec::<f64>::new();
    let mut last = Overlap::default();
    for _ in 0..ROUNDS {
        let before = cpu::capacity_once().speedup();
        let (calls, work) = run_heavy(body, rounds)?;
        probes.push(before.min(cpu::capacity_once().speedup()));
        last = work;
        if calls.took_turns() {
            let why = if calls.threads < 2 {
                "f ran on one thread only (see threads-and-shares)".to_string()
            } else {
                format!(
                    "your {} threads were never inside f at the same moment, though each \
                     thread's first call of f waited for the other's: each ran only once the \
                     other was done. That is what a join inside the spawn loop does (spawn, join, \
                     spawn, join), or a lock held around the work",
                    calls.threads
                )
            };
            return Err(judged(&work, &probes).fail(format!(
                "{why}. That is Python's GIL by hand. Spawn every thread first and join them after \
                 the loop; give each thread a sum of its own instead of one total under a lock."
            )));
        }
        if work.ran_together() {
            return Ok(judged(&work, &probes).pass(format!(
                "2 threads ran on two cores at once for {} of the {} each spent working in f",
                human_duration(work.running),
                human_duration(work.least)
            )));
        }
    }
    let best = probes.iter().copied().fold(0.0, f64::max);
    Ok(judged(&last, &probes).inconclusive(format!(
        "your threads were inside f at the same time, but in {ROUNDS} tries never both on a core \
         for long: the machine seldom had two cores free for them (around each try, two threads \
         ran a probe's work at best {best:.2}x as fast as one; {:.1}x shows a free core, and \
         load comes and goes within milliseconds). Inconclusive, not failed: \
         check again on a quieter machine.",
        cpu::CAPACITY_NEEDED
    )))
}

/// The figures of a run of `runs-at-once`, for whichever verdict it gets.
fn judged(o: &Overlap, probes: &[f64]) -> Judgement {
    let mut j = Judgement::new();
    j.figure("threads that ran f", o.threads, "== 2")
        .figure("time 2 threads ran at once", human_duration(o.running), format!(
            ">= {} (half of the least busy thread's)",
            human_duration(o.least / 2)
        ))
        .detail(format!(
            "calls of f on a core all along (CPU >= 90% of wall time): {:.0}%; the machine, \
             probed around each try: {} (two threads against one)",
            o.on_core * 100.0,
            probes.iter().map(|p| format!("{p:.2}x")).collect::<Vec<_>>().join(", ")
        ));
    j
}

/// This process's peak memory so far, in bytes (Linux: `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

fn borrows_the_data() -> Verdict {
    // 32 MiB of data: a copy of even a quarter of it is far above what
    // threads cost (their stacks touch a few pages).
    const LEN: usize = 1 << 22;
    let what = "chunked_sum and chunked_sum_by of 4 Mi elements on k = 4";
    let (sums, grew) = within(step_limit(), what, || {
        let data: Vec<u64> = (0..LEN as u64).collect();
        let before = peak_memory();
        let sums = (chunked_sum(&data, 4), chunked_sum_by(&data, 4, |x| x ^ 1));
        (sums, before.zip(peak_memory()).map(|(b, a)| a.saturating_sub(b)))
    })?;
    let n = LEN as u64;
    ensure(sums == (n * (n - 1) / 2, n * (n - 1) / 2), || fail(format!("{what}: wrong sums {sums:?}")))?;
    let Some(grew) = grew else {
        return Ok(inconclusive("this system does not say how much memory a process has used"));
    };
    let size = (LEN * 8) as u64;
    let mib = |b: u64| format!("{:.1} MiB", b as f64 / f64::from(1 << 20));
    let figure = |o: Outcome| o.figure("memory the calls added", mib(grew), format!("< {}", mib(size / 4)));
    ensure(grew < size / 4, || {
        figure(fail(format!(
            "{what}: your calls made the process's memory grow by {}, for {} of data: the data was \
             copied (`to_vec`, `Arc::new(data.to_vec())`, a Vec per share). Threads of \
             `thread::scope` can borrow the slice itself: hand each one a sub-slice (`split_at`, \
             `chunks`).",
            mib(grew),
            mib(size)
        )))
    })?;
    Ok(figure(pass(format!("{} of data summed in place", mib(size)))))
}

/// The contract: "Panics if `k` is zero (even for empty `data`), or if `f`
/// panics."
fn panics_as_documented() -> Verdict {
    panicking::quiet_deliberate_panics();
    let ran = within(step_limit(), "chunked_sum_by calls that must panic", || {
        panicking::expecting_panics(|| {
            let zero = catch_unwind(|| chunked_sum_by(&[1, 2, 3], 0, |x| x));
            let zero_empty = catch_unwind(|| chunked_sum_by(&[], 0, |x| x));
            let f = |x| match x {
                5 => panicking::deliberate_panic(),
                x => x,
            };
            let data = small(8);
            let in_f = catch_unwind(AssertUnwindSafe(|| chunked_sum_by(&data, 3, f)));
            [zero, zero_empty, in_f]
        })
    })?;
    if let Some(Err(p)) = ran.iter().find(|r| matches!(r, Err(p) if panicking::is_todo(p.as_ref()))) {
        let _ = p;
        return Err(fail(panicking::STILL_A_STUB));
    }
    let [zero, zero_empty, in_f] = ran.map(|r| r.ok());
    if let Some(got) = zero.or(zero_empty) {
        return Err(fail(format!(
            "chunked_sum_by with k = 0 returned {got}: with no thread to sum on, there is no \
             answer. The contract says it panics, for empty data too: begin with \
             `assert!(k > 0)`, before any early return."
        )));
    }
    if let Some(got) = in_f {
        return Err(fail(format!(
            "f panicked on one element, yet chunked_sum_by returned {got}: a panic in a thread \
             must reach the caller, not vanish with that thread's sum. `join().unwrap()` (or \
             `std::panic::resume_unwind`) passes it on; so does leaving the handle to \
             `thread::scope`."
        )));
    }
    Ok(pass("k = 0 panics, for empty data too, and a panic in f reaches the caller"))
}
