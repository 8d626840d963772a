//! The plain build: real threads, a real clock (for pauses and limits only).

use super::*;
use kata_harness::consumers::{self, Handle, Handling, Item, Producer, Ran};
use kata_harness::panicking::{panic_text, quiet_deliberate_panics, DELIBERATE};
use kata_harness::protocol::human_duration;
use kata_harness::{ensure, fail, pass, step_limit, Outcome};
use kata_sync::thread::ThreadId;
use std::time::{Duration, Instant};

/// A part's function, on the check's types.
type Run = fn(Vec<Producer>, usize, Handle) -> Vec<u64>;
/// A part: its name, as the messages say it, and its function.
#[derive(Clone, Copy)]
pub struct Part(&'static str, Run);
const PIPE: Part = Part("run", run::<Item, u64, Producer, Handle>);
const MPMC: Part = Part("run_mpmc", run_mpmc::<Item, u64, Producer, Handle>);

/// The staggered producers: one early and quick, one late with 1 item, one
/// with none, one slow and steady, one that starts once the others are done.
const STAGGERED: [Plan; 5] = [p(40, 0, 0), p(1, 15, 0), p(0, 0, 0), p(25, 3, 1), p(4, 40, 0)];
/// `n` items, the first after `start` ms, each after a pause of `pace` ms.
const fn p(n: u32, start: u64, pace: u64) -> Plan {
    Plan(n, ms(start), ms(pace))
}

/// `handle` slow on every 8th item.
const SLOW_ITEMS: Handling = Handling { slow_items: Some((8, ms(4))), ..NONE };
const NONE: Handling =
    Handling { slow_items: None, slow_thread: None, panic_on: None, idle: None, meet: None };
/// How long idle consumers are measured.
const IDLE: Duration = ms(250);

/// Calls `part` with producers of `plans`, `consumers`, and the check's
/// handle behaving as `how`, by `deadline`; a hang is told.
fn call(part: Part, plans: &[Plan], consumers: usize, how: Handling, at: Instant) -> Done {
    let (Part(name, run), limit) = (part, at.saturating_duration_since(Instant::now()));
    let total = plans.iter().map(|p| p.0).sum::<u32>() - u32::from(how.panic_on.is_some());
    consumers::call(plans, consumers, how, run, limit, move |ledger| {
        let (handled, left) = (ledger.handled() as u32, human_duration(limit));
        fail(if handled >= total {
            format!(
                "{name}({consumers} consumers) did not return in {left}, though all {total} \
                 items were handled: consumers that never leave their loop, so the join on \
                 them never ends. Does every consumer get a pill of its own (one Stop each, \
                 not one in all)? Is a Sender still alive (the caller's original, kept while \
                 it joins the consumers: drop it)? Or does the caller wait for a result per \
                 item, which an item that panicked never sends?"
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
type Done = Result<Ran, Outcome>;

/// A failure of [`Ran::judge`], with the lesson for lost or doubled items.
fn lost(name: &str, why: &str) -> Outcome {
    let lesson = if why.contains("results came back") { "" } else { ONCE };
    fail(format!("{name}: {why}. {lesson}"))
}

/// No thread left running, or what was.
fn judge_left(ran: &Ran) -> Result<(), String> {
    ran.left_running().map_err(|why| {
        format!(
            "{why}. Stop every consumer (its pill, or the channel's close), keep every \
             producer's and consumer's JoinHandle, and join each before returning: results \
             arriving is not the threads ending"
        )
    })
}

/// `rounds` calls on the staggered producers, judged (and, with `left`,
/// no thread left running).
fn staggered(part: Part, rounds: usize, left: bool) -> Result<(), Outcome> {
    let deadline = Instant::now() + step_limit();
    for _ in 0..rounds {
        let ran = call(part, &STAGGERED, 3, SLOW_ITEMS, deadline)?;
        ran.judge().map_err(|why| lost(part.0, &why))?;
        let left = if left { judge_left(&ran) } else { Ok(()) };
        left.map_err(|why| fail(format!("{}: {why}.", part.0)))?;
    }
    Ok(())
}

fn once(part: Part) -> Verdict {
    staggered(part, 3, false)?;
    Ok(pass("3 calls of 70 items from 5 staggered producers: each handled once"))
}

fn left(part: Part) -> Verdict {
    staggered(part, 2, true)?;
    Ok(pass("2 calls: every thread had ended when the call returned"))
}

fn panics(part: Part) -> Verdict {
    quiet_deliberate_panics();
    let (name, deadline) = (part.0, Instant::now() + step_limit());
    let ran = call(part, &STAGGERED, 3, Handling { panic_on: Some(7), ..SLOW_ITEMS }, deadline)?;
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
    Ok(pass("handle panicked on item 7: the 69 others were handled, then the call panicked"))
}

fn edges(part: Part) -> Verdict {
    let (name, deadline) = (part.0, Instant::now() + step_limit());
    let zero = call(part, &STAGGERED[..1], 0, SLOW_ITEMS, deadline)?;
    ensure(zero.results.is_err() && zero.ledger.handled() == 0, || {
        fail(format!(
            "{name} with 0 consumers {}: the contract says it panics at once (no one would ever \
             take an item). Begin with assert!(consumers > 0).",
            if zero.results.is_ok() { "returned" } else { "handled items before it panicked" }
        ))
    })?;
    let none = p(0, 0, 0);
    let cases: [(&str, &[Plan], usize); 4] = [
        ("no producers, 2 consumers", &[], 2),
        ("3 producers with no items, 2 consumers", &[none; 3], 2),
        ("1 producer of 2 items, 6 consumers", &[p(2, 5, 0)], 6),
        ("2 producers of 40 and 25 items, 1 consumer", &[STAGGERED[0], STAGGERED[3]], 1),
    ];
    for (what, plans, consumers) in cases {
        let ran = call(part, plans, consumers, SLOW_ITEMS, deadline)?;
        ran.judge()
            .and_then(|()| judge_left(&ran))
            .map_err(|why| fail(format!("{name} with {what}: {why}.")))?;
    }
    Ok(pass("0 consumers panics; no items, empty producers, 6 consumers for 2 items, 1 consumer"))
}

fn shares(part: Part) -> Verdict {
    let (name, deadline) = (part.0, Instant::now() + step_limit());
    let slow_thread = Handling { slow_thread: Some(ms(3)), ..NONE };
    let ran = call(part, &[p(150, 0, 0)], 2, slow_thread, deadline)?;
    ran.judge().map_err(|why| lost(name, &why))?;
    let threads = ran.ledger.per_thread();
    let count = |slow: bool| {
        let mine = threads.iter().filter(|(t, _)| (Some(*t) == ran.slow) == slow);
        mine.map(|(_, ids)| ids.len()).sum::<usize>()
    };
    let (slow, fast) = (count(true), count(false));
    let figure =
        |o: Outcome| o.figure("items handled: fast / slow consumer", fast, format!("≥ 3 × {slow}"));
    ensure(fast >= 3 * slow, || {
        figure(fail(format!(
            "{name}(2 consumers) with handle slow on one consumer's thread (3 ms an item) and \
             quick on the other's: the slow one handled {slow} of 150 items, the fast one \
             {fast}. The fast one should take every item it can while the slow one is busy: \
             {}",
            [DEALT, "only one thread handled items, though 2 consumers were asked for."]
                [usize::from(threads.len() < 2)]
        )))
    })?;
    Ok(figure(pass(format!("the fast consumer handled {fast} items, the slow one {slow}"))))
}

const DEALT: &str = "were the items dealt out in turn (a channel per consumer, a share each)? \
                     Let every consumer take the next item from the one channel when free.";

const HELD: &str = " In `match rx.lock().unwrap().recv() {..}`, in `while let` and in a `for` \
                    over `lock().iter()` the guard lives through the body: `let` the message first.";

pub fn as_asked() -> Verdict {
    let (deadline, patience) = (Instant::now() + step_limit(), step_limit() / 8);
    for part in [PIPE, MPMC] {
        let ran =
            call(part, &STAGGERED, 3, Handling { meet: Some(patience), ..SLOW_ITEMS }, deadline)?;
        ran.judge().map_err(|why| lost(part.0, &why))?;
        let threads: Vec<ThreadId> = ran.ledger.per_thread().iter().map(|t| t.0).collect();
        let n = threads.len();
        let why = if threads.contains(&ran.caller) {
            "the caller's own thread called handle: consumers are threads of their own, and \
             the caller only starts, stops and joins them"
        } else if n > 3 {
            "more threads called handle than the 3 consumers asked for: start `consumers` \
             threads once, each looping over the channel, not a thread per item"
        } else if n < 2 {
            "one thread handled all 70 items, slow ones included, though 3 consumers were asked \
             for: did you start them all? If so, one kept the receiver's lock while it handled."
        } else if ran.met < 2 {
            "never two at once: the first two items each waited for the other to be in handle \
             too, in vain. Does a consumer keep the receiver's lock while it handles?"
        } else {
            continue;
        };
        let held = if n < 2 || ran.met < 2 { HELD } else { "." };
        Err(fail(format!("{}(3 consumers): handle ran on {n} thread(s): {why}{held}", part.0)))?;
    }
    Ok(pass("handle ran on 2 or 3 consumer threads at once for 3 consumers, never the caller's"))
}

fn asleep(part: Part) -> Verdict {
    let deadline = Instant::now() + step_limit();
    let ran = call(part, &[p(2, 400, 0)], 2, Handling { idle: Some(IDLE), ..NONE }, deadline)?;
    ran.judge().map_err(|why| lost(part.0, &why))?;
    let what = format!("{}(2 consumers) waiting 400 ms for a late producer", part.0);
    let advice = "A consumer with nothing to take should block in recv(), which sleeps until an \
                  item (or a pill, or the close) comes; a loop on try_recv (with yield_now, a \
                  short sleep or nothing) polls and burns a core while it waits.";
    kata_harness::waiting::judge_idle(ran.idle, &what, advice)
}

/// Each check function, for part 1 and for part 2.
macro_rules! parts {
    ($($check:ident => $one:ident, $two:ident;)*) => {$(
        pub fn $one() -> Verdict { $check(PIPE) }
        pub fn $two() -> Verdict { $check(MPMC) }
    )*};
}
parts! {
    once => once_1, once_2;
    left => left_1, left_2;
    panics => panic_1, panic_2;
    edges => edges_1, edges_2;
    shares => shares_1, shares_2;
    asleep => asleep_1, asleep_2;
}
