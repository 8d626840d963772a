//! The plain build: real threads, a real clock (for pauses and limits only).

use super::*;
use kata_harness::consumers::{thread_count, threads_left};
use kata_harness::panicking::{deliberate_panic, panic_text, quiet_deliberate_panics, DELIBERATE};
use kata_harness::{ensure, fail, on_thread, pass, step_limit, Outcome};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread::{self, ThreadId};
use std::time::Instant;

/// A part's function, on the check's types.
type Run = fn(Vec<Producer>, usize, Handler) -> Vec<u64>;
/// A part: its name, as the messages say it, and its function.
#[derive(Clone, Copy)]
pub struct Part(&'static str, Run);
const PIPE: Part = Part("run", run::<Item, u64, Producer, Handler>);
const MPMC: Part = Part("run_mpmc", run_mpmc::<Item, u64, Producer, Handler>);

/// The staggered producers: one early and quick, one late with 1 item, one
/// with none, one slow and steady.
const STAGGERED: [Plan; 4] =
    [Plan(40, ms(0), ms(0)), Plan(1, ms(15), ms(0)), Plan(0, ms(0), ms(0)), Plan(25, ms(3), ms(1))];


/// How `handle` takes its time: slow on every 8th item, or slow on the
/// first thread that calls it and quick on the others.
#[derive(Clone, Copy, PartialEq)]
enum Speed {
    SlowItems,
    SlowThread,
}

/// One call of a part, as the check saw it.
struct Ran {
    ledger: Arc<Ledger>,
    sent: Vec<Vec<u32>>,
    results: thread::Result<Vec<u64>>,
    /// The check's producers and handle still held when the call returned.
    held: usize,
    /// Threads more than before the call, a moment after it returned.
    more: Option<usize>,
    caller: ThreadId,
    /// The thread `handle` was slow on ([`Speed::SlowThread`]).
    slow: Option<ThreadId>,
}

/// Calls `part` with producers of `plans`, `consumers`, and the check's
/// handle (`panic_on`: the item it panics on), by `deadline`.
fn call(
    Part(name, run): Part,
    plans: &[Plan],
    consumers: usize,
    (speed, panic_on): (Speed, Option<u32>),
    deadline: Instant,
) -> Result<Ran, Outcome> {
    let (ledger, plans) = (Ledger::new(), plans.to_vec());
    let (l, total) = (Arc::clone(&ledger), plans.iter().map(|p| p.0).sum::<u32>());
    let f = move || {
        let (held, before) = (Held::new(ms(40)), thread_count());
        let (producers, sent) = producers(&plans, &l, Some(&held));
        let (slow, token) = (Arc::new(Mutex::new(None)), held.token());
        let slowest = Arc::clone(&slow);
        let handle: Handler = Box::new(move |item| {
            let _held = &token;
            let me = thread::current().id();
            let first = *slowest.lock().unwrap().get_or_insert(me) == me;
            match speed {
                Speed::SlowItems if item.id() % 8 == 0 => pause(ms(4)),
                Speed::SlowThread => pause(if first { ms(3) } else { ms(0) }),
                _ => {}
            }
            if Some(item.id()) == panic_on {
                deliberate_panic();
            }
            result_of(item.handle())
        });
        let results = catch_unwind(AssertUnwindSafe(|| run(producers, consumers, handle)));
        let (still, more) = (held.alive(), threads_left(before, ms(100)));
        let (caller, slow) = (thread::current().id(), *slow.lock().unwrap());
        Ok(Ran { ledger: l, sent, results, held: still, more, caller, slow })
    };
    let limit = deadline.saturating_duration_since(Instant::now());
    on_thread("kata-caller", limit, f, move || {
        let (handled, left) = (ledger.handled(), kata_harness::protocol::human_duration(limit));
        fail(if handled as u32 >= total {
            format!(
                "{name}({consumers} consumers) did not return in {left}, though all {total} \
                 items were handled: consumers that never leave their loop, so the join on \
                 them never ends. Does every consumer get a pill of its own (one Stop each, \
                 not one in all)? Is a Sender still alive (the caller's original, kept while \
                 it joins the consumers: drop it)?"
            )
        } else {
            format!(
                "{name}({consumers} consumers) did not return in {left}, with {handled} of \
                 {total} items handled: consumers that stopped taking (a lock held while \
                 handling, a thread waiting for another that waits for it), or the caller \
                 waits for items that were lost (consumers that left early)."
            )
        })
    })
}

/// Every item once, and a result for each: or what went wrong. A panic
/// (the stub's `todo!`) goes on, for the harness to name.
fn judge(ran: &Ran) -> Result<(), String> {
    let results = match &ran.results {
        Ok(results) => results,
        Err(panic) => resume_unwind(Box::new(panic_text(&**panic))),
    };
    ran.ledger.judge(&ran.sent)?;
    let mut got = results.clone();
    let mut want: Vec<u64> = ran.sent.iter().flatten().map(|&id| result_of(id)).collect();
    (got.sort(), want.sort());
    ensure(got == want, || fail("")).map_err(|_| {
        format!(
            "every item was handled once, but {} results came back for {} items: return what \
             handle returned, once per item (gather each consumer's results as you join it)",
            got.len(),
            want.len()
        )
    })
}

/// No thread left running, or what was.
fn judge_left(ran: &Ran) -> Result<(), String> {
    let (held, more) = (ran.held, ran.more.unwrap_or(0));
    ensure(held == 0 && more == 0, || fail("")).map_err(|_| {
        format!(
            "when the call returned, threads it started were still running: {held} of the \
             check's producers and handle were still held by them, and the process still had \
             {more} threads more than before the call, 100 ms later. Stop every consumer \
             (its pill, or the channel's close), keep every producer's and consumer's \
             JoinHandle, and join each before returning: results arriving is not the threads \
             ending"
        )
    })
}

fn once(part: Part) -> Verdict {
    let deadline = Instant::now() + step_limit();
    for _ in 0..3 {
        let ran = call(part, &STAGGERED, 3, (Speed::SlowItems, None), deadline)?;
        judge(&ran).map_err(|why| fail(format!("{}: {why}. {ONCE}", part.0)))?;
    }
    Ok(pass("3 calls of 66 items from 4 staggered producers: each handled once"))
}

fn left(part: Part) -> Verdict {
    let deadline = Instant::now() + step_limit();
    for _ in 0..2 {
        let ran = call(part, &STAGGERED, 3, (Speed::SlowItems, None), deadline)?;
        judge(&ran).map_err(|why| fail(format!("{}: {why}. {ONCE}", part.0)))?;
        judge_left(&ran).map_err(|why| fail(format!("{}: {why}.", part.0)))?;
    }
    Ok(pass("2 calls: every thread had ended when the call returned"))
}

fn panics(part: Part) -> Verdict {
    quiet_deliberate_panics();
    let (name, deadline) = (part.0, Instant::now() + step_limit());
    let ran = call(part, &STAGGERED, 3, (Speed::SlowItems, Some(7)), deadline)?;
    let mut sent = ran.sent.clone();
    sent[0].retain(|&id| id != 7);
    ran.ledger.judge(&sent).map_err(|why| {
        fail(format!(
            "{name}: handle panicked on item 7, and then {why}: the other consumers must go on \
             and take every item the failed one had not taken. Handle outside the receiver's \
             lock (a panic under it poisons the Mutex, and every lock().unwrap() after fails), \
             and do not stop the others when one fails."
        ))
    })?;
    let said = ran.results.as_ref().err().map(|p| panic_text(&**p));
    ensure(said.as_deref() == Some(DELIBERATE), || {
        fail(format!(
            "{name}: handle panicked on item 7 and every other item was handled, but the call \
             {}: once every thread is joined, pass the consumer's panic on with \
             std::panic::resume_unwind(payload), the payload its join returned.",
            said.map_or("returned normally".into(), |s| format!("panicked with \"{s}\""))
        ))
    })?;
    judge_left(&ran).map_err(|why| fail(format!("{name}, after a panic in handle: {why}.")))?;
    Ok(pass("handle panicked on item 7: the 65 others were handled, then the call panicked"))
}

fn edges(part: Part) -> Verdict {
    let (name, deadline) = (part.0, Instant::now() + step_limit());
    let zero = call(part, &STAGGERED[..1], 0, (Speed::SlowItems, None), deadline)?;
    ensure(zero.results.is_err() && zero.ledger.handled() == 0, || {
        fail(format!(
            "{name} with 0 consumers {}: the contract says it panics at once (no one would ever \
             take an item). Begin with assert!(consumers > 0).",
            if zero.results.is_ok() { "returned" } else { "handled items before it panicked" }
        ))
    })?;
    let none = Plan(0, ms(0), ms(0));
    let cases: [(&str, &[Plan], usize); 4] = [
        ("no producers, 2 consumers", &[], 2),
        ("3 producers with no items, 2 consumers", &[none; 3], 2),
        ("1 producer of 2 items, 6 consumers", &[Plan(2, ms(5), ms(0))], 6),
        ("2 producers of 40 and 25 items, 1 consumer", &[STAGGERED[0], STAGGERED[3]], 1),
    ];
    for (what, plans, consumers) in cases {
        let ran = call(part, plans, consumers, (Speed::SlowItems, None), deadline)?;
        judge(&ran)
            .and_then(|()| judge_left(&ran))
            .map_err(|why| fail(format!("{name} with {what}: {why}.")))?;
    }
    Ok(pass("0 consumers panics; no items, empty producers, 6 consumers for 2 items, 1 consumer"))
}

fn shares(part: Part) -> Verdict {
    let (name, deadline) = (part.0, Instant::now() + step_limit());
    let ran = call(part, &[Plan(150, ms(0), ms(0))], 2, (Speed::SlowThread, None), deadline)?;
    judge(&ran).map_err(|why| fail(format!("{name}: {why}. {ONCE}")))?;
    let threads = ran.ledger.per_thread();
    let count = |slow: bool| {
        let mine = threads.iter().filter(|(t, _)| (Some(*t) == ran.slow) == slow);
        mine.map(|(_, ids)| ids.len()).sum::<usize>()
    };
    let (slow, fast) = (count(true), count(false));
    let figure = |o: Outcome| o.figure("items handled: fast / slow consumer", fast, format!(
        "≥ 3 × {slow}"));
    ensure(fast >= 3 * slow, || {
        figure(fail(format!(
            "{name}(2 consumers) with handle slow on one consumer's thread (3 ms an item) and \
             quick on the other's: the slow one handled {slow} of 150 items, the fast one \
             {fast}. The fast one should take every item it can while the slow one is busy: \
             {}",
            if threads.len() < 2 {
                "only one thread handled items, though 2 consumers were asked for.".into()
            } else {
                "were the items dealt out in turn (a channel per consumer, a share each)? Let \
                 every consumer take the next item from the one channel when it is free."
                    .to_string()
            }
        )))
    })?;
    Ok(figure(pass(format!("the fast consumer handled {fast} items, the slow one {slow}"))))
}

pub fn as_asked() -> Verdict {
    let deadline = Instant::now() + step_limit();
    for part in [PIPE, MPMC] {
        let ran = call(part, &STAGGERED, 3, (Speed::SlowItems, None), deadline)?;
        judge(&ran).map_err(|why| fail(format!("{}: {why}. {ONCE}", part.0)))?;
        let threads: Vec<ThreadId> = ran.ledger.per_thread().iter().map(|t| t.0).collect();
        let n = threads.len();
        let why = if threads.contains(&ran.caller) {
            "the caller's own thread called handle: consumers are threads of their own, and \
             the caller only starts, stops and joins them"
        } else if n > 3 {
            "more threads called handle than the 3 consumers asked for: start `consumers` \
             threads once, each looping over the channel, not a thread per item"
        } else if n < 2 {
            "one thread handled all 66 items, slow ones included, though 3 consumers were free: \
             start `consumers` consumer threads on the one channel"
        } else {
            continue;
        };
        Err(fail(format!("{}(3 consumers): handle ran on {n} threads: {why}.", part.0)))?;
    }
    Ok(pass("handle ran on 2 or 3 consumer threads for 3 consumers, never on the caller's"))
}

pub fn once_1() -> Verdict {
    once(PIPE)
}
pub fn once_2() -> Verdict {
    once(MPMC)
}
pub fn left_1() -> Verdict {
    left(PIPE)
}
pub fn left_2() -> Verdict {
    left(MPMC)
}
pub fn panic_1() -> Verdict {
    panics(PIPE)
}
pub fn panic_2() -> Verdict {
    panics(MPMC)
}
pub fn edges_1() -> Verdict {
    edges(PIPE)
}
pub fn edges_2() -> Verdict {
    edges(MPMC)
}
pub fn shares_1() -> Verdict {
    shares(PIPE)
}
pub fn shares_2() -> Verdict {
    shares(MPMC)
}
