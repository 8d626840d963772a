//! The hidden checks of ex02 · Threads that borrow. Every check hands
//! `chunked_sum_by` an `f` of its own that does the measuring (which thread
//! called it, how many elements each got, when each call ran and how much
//! of it on a core); nothing your code reports is trusted. The kernel's
//! counts say the rest: threads created and left running, peak memory.

use kata_harness::calibrate::{crunch, rounds_for};
use kata_harness::footprint::{self, extra_threads, peak_memory, Started};
use kata_harness::measure::Meeting;
use kata_harness::panicking;
use kata_harness::protocol::human_duration;
use kata_harness::together::{self, Busy, Found, Overlap, Shares};
use kata_harness::{ensure, fail, inconclusive, ms, pass, step_limit, within, Outcome, Verdict};
use std::panic::catch_unwind;
use std::thread;

kata_harness::exercise!(chunked_sum, chunked_sum_by);

fn main() -> std::process::ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "sums-right" => sums_right,
            "the sum is right on every edge, and wraps past u64::MAX";
        "threads-and-shares" => threads_and_shares,
            "f runs once per element on min(k, len) threads, shares differing by at most one, no other thread";
        "runs-at-once" => runs_at_once,
            "the threads are busy on cores at the same time (judged where a core is free)";
        "borrows-the-data" => borrows_the_data,
            "the slice is read where it is, not copied";
        "panics-as-documented" => panics_as_documented,
            "k = 0 panics (even on empty data), and a panic in f reaches the caller";
    })
}

/// (len, k): every edge of the contract; 10 on 4 is where `len / k` loses
/// 2, 6 on 4 where chunks of `div_ceil` make 3 shares.
#[rustfmt::skip]
const SHAPES: [(usize, usize); 13] = [
    (0, 1), (0, 5), (1, 1), (1, 4), (5, 1), (8, 8), (3, 8),
    (10, 4), (6, 4), (7, 3), (9, 2), (100, 7), (1000, 16),
];

/// 0, 1, ..., len - 1: small sums a message can show (0 included).
fn small(len: usize) -> Vec<u64> {
    (0..len as u64).collect()
}

/// Values near 2^64: any sum of two or more wraps.
fn big(len: usize) -> Vec<u64> {
    (0..len as u64).map(|i| u64::MAX - i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % (1 << 40)).collect()
}

/// Not linear (f twice or not at all shows), and small for small values.
fn mix(x: u64) -> u64 {
    x.wrapping_mul(x).wrapping_add(x >> 3).wrapping_add(1)
}

fn wrapping(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0, u64::wrapping_add)
}

fn sums_right() -> Verdict {
    let mut tried = 0;
    for (len, k) in SHAPES {
        for (data, is_big) in [(small(len), false), (big(len), true)] {
            let mapped: Vec<u64> = data.iter().map(|&x| mix(x)).collect();
            let want = (wrapping(data.iter().copied()), wrapping(mapped.iter().copied()));
            let kind = if is_big { "values near u64::MAX" } else { "0 to len - 1" };
            let what = format!("chunked_sum of {len} elements ({kind}) on k = {k}");
            let (input, said, why) =
                (data.clone(), what.clone(), if is_big { OVERFLOWED } else { EDGE });
            let got = within(step_limit(), &what, move || {
                panicking::edge(&said, why, || {
                    (chunked_sum(&input, k), chunked_sum_by(&input, k, mix))
                })
            })??;
            ensure(got.0 == want.0, || wrong_sum(&what, &data, k, got.0, want.0))?;
            let by = format!("{what}, chunked_sum_by with f,");
            ensure(got.1 == want.1, || wrong_sum(&by, &mapped, k, got.1, want.1))?;
            tried += 1;
        }
    }
    Ok(pass(format!("{tried} sums right, from empty data to k > len, wrapping included")))
}

/// Why a sum may panic: on values near u64::MAX (small ones passed), an
/// overflow; on small ones, an edge of the contract.
const OVERFLOWED: &str = "these values add up past u64::MAX, and the contract says the sum wraps: \
    `+` and `.sum()` panic on overflow (kata builds with overflow checks), so add with \
    `wrapping_add`, in each thread and when adding the threads' sums.";
const EDGE: &str = "every shape the contract names must work: empty data returns 0, and k > len \
    uses one thread per element (`chunks(0)` panics, and so does a split that asks for more \
    elements than there are, or a `len - 1` on empty data).";

fn wrong_sum(what: &str, data: &[u64], k: usize, got: u64, want: u64) -> Outcome {
    let (len, n) = (data.len(), k.min(data.len()).max(1));
    let why = if got == u64::MAX && want != u64::MAX {
        "u64::MAX: a saturating add? The contract says the sum wraps (`wrapping_add`).".into()
    } else if len % n > 0 && got == wrapping(data[..len - len % n].iter().copied()) {
        format!(
            "that is the sum without the last {} element(s): shares of len / k = {} elements \
             leave the last len % k unsummed. Give the first len % k shares one element more.",
            len % n,
            len / n
        )
    } else {
        "every element must be added exactly once (f applied to each), with wrapping_add, and \
         the total read only after every thread has been joined."
            .into()
    };
    fail(format!("{what} returned {got}, not {want}: {why}"))
}

/// What the calls of one shape showed: the shares f saw (largest first),
/// whether the calling thread ran f, the threads the call created beyond
/// those that ran f, and how many were left running after it returned.
type Seen = (Vec<usize>, bool, Option<u64>, Option<usize>);

fn watch(len: usize, k: usize, what: &str) -> Result<Seen, Outcome> {
    within(step_limit(), what, move || {
        let (data, started) = (small(len), Started::new());
        let ((sizes, caller_ran), idle) = extra_threads(16, || {
            let shares = Shares::default();
            chunked_sum_by(&data, k, |x| {
                shares.record();
                x
            });
            let (sizes, caller_ran) = (shares.sizes(), shares.ran_on(thread::current().id()));
            let spawned_ran = (sizes.len() - usize::from(caller_ran)) as u64;
            ((sizes, caller_ran), spawned_ran)
        });
        (sizes, caller_ran, idle, started.left_after(ms(500)))
    })
}

fn threads_and_shares() -> Verdict {
    let mut unseen = false;
    for (len, k) in SHAPES {
        let what = format!("chunked_sum_by of {len} elements on k = {k}");
        let (sizes, caller_ran, idle, left) = watch(len, k, &what)?;
        let n = k.min(len);
        let want: Vec<usize> = (0..n).map(|i| len / n + usize::from(i < len % n)).collect();
        let (calls, spawned) = (sizes.iter().sum::<usize>(), sizes.len() - usize::from(caller_ran));
        ensure(calls == len, || {
            fail(format!(
                "{what}: f was called {calls} time(s) for {len} elements. Each element is summed \
                 exactly once, by the one thread whose share holds it."
            ))
        })?;
        ensure(sizes.len() == n, || {
            let why = match sizes.len() {
                1 => "only one thread ran f: start one thread per share, even for small inputs \
                      (a thread costs microseconds)"
                    .into(),
                m if m < n => split_hint(len, k, &sizes),
                _ => "more threads than shares: an element is never split between threads".into(),
            };
            fail(format!(
                "{what}: f ran on {} thread(s), shares {sizes:?}, but the contract says \
                 min(k, len) = {n} threads, shares {want:?}: {why}.",
                sizes.len()
            ))
        })?;
        ensure(sizes == want, || {
            fail(format!(
                "{what}: shares of {sizes:?} elements, but they must differ by at most one: \
                 {want:?}: {}.",
                split_hint(len, k, &sizes)
            ))
        })?;
        unseen |= idle.is_none() || left.is_none();
        let (idle, left) = (idle.unwrap_or(0), left.unwrap_or(0));
        ensure(idle == 0 && left == 0, || {
            let why = if spawned == 0 && caller_ran {
                "your threads did none of it: f ran on the calling thread (a lazy iterator handed \
                 back, or the values mapped before the spawn?)"
            } else {
                "a thread for an empty share (k > len, or empty data), or a helper (a reducer, a \
                 watchdog)"
            };
            fail(format!(
                "{what}: your call started {idle} thread(s) more than the {spawned} that ran f \
                 ({left} still running 500 ms after it returned): {why}. The contract is \
                 min(k, len) threads, each summing one share, all ended when the call returns: \
                 add up their sums on the calling thread, in `thread::scope`."
            ))
            .figure("threads started that ran no f", idle, "== 0")
        })?;
    }
    let unseen = if unseen { footprint::NOT_COUNTED } else { "" };
    Ok(pass(format!("min(k, len) threads on every shape, shares differing by at most one{unseen}")))
}

/// What a wrong split looks like, and the fix.
fn split_hint(len: usize, k: usize, sizes: &[usize]) -> String {
    let c = len.div_ceil(k).max(1);
    let ceil: Vec<usize> = (0..len.div_ceil(c)).map(|i| c.min(len - i * c)).collect();
    if sizes == ceil {
        format!(
            "chunks of len.div_ceil(k) = {c} leave threads without work or one share short; \
             give the first len % k shares one element more"
        )
    } else {
        "the first len % k shares take one element more (not all of the rest piled on the last \
         thread, which then works longest while the others wait)"
            .into()
    }
}

/// `ELEMENTS` calls of ~`CALL` ms on k = 2, up to `TRIES` times.
const ELEMENTS: usize = 12;
const CALL: u64 = 2;
const TRIES: usize = 6;

/// One try: the overlap of whole calls of f, and of their CPU work alone.
fn run_heavy(body: [u8; 16], rounds: u64) -> Result<(Overlap, Overlap), Outcome> {
    let what = format!("chunked_sum_by of {ELEMENTS} CPU-heavy elements on k = 2");
    let want: u64 = (0..ELEMENTS as u64).sum();
    let limit = step_limit() / (TRIES as u32 + 1);
    let (got, calls, work) = within(limit, &what.clone(), move || {
        let data: Vec<u64> = (0..ELEMENTS as u64).collect();
        let (calls, work) = (Busy::new(), Busy::new());
        // Every call of f waits (up to one deadline) until 2 have arrived:
        // threads that exist at the same time meet in f whatever the load;
        // threads run one after another (a join in the spawn loop, a lock
        // around f) never do, and the first call waits out the deadline.
        let meeting = Meeting::new(limit / 2);
        let got = chunked_sum_by(&data, 2, |x| {
            calls.time(|| {
                meeting.meet(2);
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
    let (found, j) = together::tries(TRIES, || run_heavy(body, rounds))?;
    match found {
        Found::Together(work) => Ok(j.pass(format!(
            "2 threads ran on two cores at once for {} of the {} each spent working in f",
            human_duration(work.running),
            human_duration(work.least)
        ))),
        Found::TookTurns(calls, _) if calls.threads < 2 => {
            Err(j.fail("f ran on one thread only (see threads-and-shares): nothing ran at once"))
        }
        Found::TookTurns(calls, _) => Err(j.fail(format!(
            "your {} threads were never inside f at the same moment, though each thread's first \
             call of f waited for the other's: each ran only once the other was done. That is \
             what a join inside the spawn loop does (spawn, join, spawn, join), or a lock held \
             around the work: Python's GIL by hand. Spawn every thread first and join them after \
             the loop; give each thread a sum of its own instead of one total under a lock.",
            calls.threads
        ))),
        Found::Unsure(_) => Ok(j.inconclusive(format!(
            "your threads were inside f at the same time, but in {TRIES} tries never both on a \
             core for long: the machine seldom had two cores free for them (see the probes \
             below: {:.1}x shows a free core, and load comes and goes within milliseconds). \
             Inconclusive, not failed: check again on a quieter machine.",
            kata_harness::cpu::CAPACITY_NEEDED
        ))),
    }
}

fn borrows_the_data() -> Verdict {
    // 32 MiB: a copy of a quarter of it is far above what threads cost.
    const LEN: usize = 1 << 22;
    let what = "chunked_sum and chunked_sum_by of 4 Mi elements on k = 4";
    let (sums, grew) = within(step_limit(), what, || {
        let data: Vec<u64> = (0..LEN as u64).collect();
        let before = peak_memory();
        let sums = (chunked_sum(&data, 4), chunked_sum_by(&data, 4, |x| x ^ 1));
        (sums, before.zip(peak_memory()).map(|(b, a)| a.saturating_sub(b)))
    })?;
    let n = LEN as u64;
    let want = (n * (n - 1) / 2, n * (n - 1) / 2);
    ensure(sums == want, || {
        fail(format!(
            "{what}: sums {sums:?}, not {want:?}. On 4 threads and 4 Mi elements at once: \
             updates lost (a shared total read, then written: another thread's add in between \
             is lost), or elements skipped? Give each thread a sum of its own; add them up after \
             the join."
        ))
    })?;
    let Some(grew) = grew else {
        return Ok(inconclusive("this system does not say how much memory a process has used"));
    };
    let (size, mib) = ((LEN * 8) as u64, |b: u64| format!("{:.1} MiB", b as f64 / 1048576.0));
    let figure = |o: Outcome| o.figure("memory the calls added", mib(grew), "< 8.0 MiB");
    ensure(grew < size / 4, || {
        figure(fail(format!(
            "{what}: your calls made the process's memory grow by {}, for {} of data: the data was \
             copied (`to_vec`, `Arc::new(data.to_vec())`, a Vec per share, values mapped into a \
             Vec). Threads of `thread::scope` can borrow the slice itself: hand each one a \
             sub-slice (`split_at`, `chunks`).",
            mib(grew),
            mib(size)
        )))
    })?;
    Ok(figure(pass(format!("{} of data summed in place", mib(size)))))
}

/// "Panics if `k` is zero (even for empty `data`), or if `f` panics."
fn panics_as_documented() -> Verdict {
    panicking::quiet_deliberate_panics();
    let ran = within(step_limit(), "chunked_sum_by calls that must panic", || {
        panicking::expecting_panics(|| {
            let f = |x| if x == 5 { panicking::deliberate_panic() } else { x };
            [
                catch_unwind(|| chunked_sum_by(&[1, 2, 3], 0, |x| x)),
                catch_unwind(|| chunked_sum_by(&[], 0, |x| x)),
                catch_unwind(|| chunked_sum_by(&small(8), 3, f)),
            ]
        })
    })?;
    ensure(!ran.iter().any(|r| matches!(r, Err(p) if panicking::is_todo(p.as_ref()))), || {
        fail(panicking::STILL_A_STUB)
    })?;
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
