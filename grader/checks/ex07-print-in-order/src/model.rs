//! The model build: shuttle picks the interleavings, spurious wake-ups
//! included, and a sleep only lets other threads run.

use super::*;
use kata_harness::model::{after_tag, blocked_holding, explore_each, join, until_asleep, verdict};
use kata_harness::turns::alternating;
use kata_sync::model::{narrate, sleeps, spawn_named, Failure};
use kata_sync::sync::Arc;

/// Starts a named thread calling `InOrder`'s method `which`.
fn start(
    order: &Arc<InOrder>,
    turns: &Arc<Turns>,
    which: usize,
) -> kata_sync::thread::JoinHandle<()> {
    let (order, turns) = (Arc::clone(order), Arc::clone(turns));
    spawn_named(&format!("{} thread", IN_ORDER[which]), move || {
        narrate(format!("calls {}()", IN_ORDER[which]));
        call(&order, which, &|w| in_turn(&turns, w, &IN_ORDER));
        narrate(format!("{}() returns", IN_ORDER[which]));
    })
}

/// Logs that `who` runs, and stops the execution at once if it is out of
/// turn (the threads it skipped would hang, hiding why).
fn in_turn(turns: &Turns, who: &'static str, wanted: &[&'static str]) {
    narrate(format!("{who}'s closure runs"));
    if turns.record_checked(who, wanted).is_some() {
        judge_log(&turns.log(), wanted);
    }
}

/// After an execution: no sleeps, and the log as wanted.
fn judge_log(log: &[&'static str], wanted: &[&'static str]) {
    if sleeps() > 0 {
        let ran = log.join(", ");
        panic!("SLEEPS: {} call(s), and these closures had run: [{ran}]", sleeps());
    }
    if let Some(what) = first_break(log, wanted) {
        panic!("OUT-OF-ORDER: {what}");
    }
}

/// What a failure teaches; `asleep` is the lesson of a deadlock.
fn explain(failure: &Failure, asleep: &str) -> String {
    let m = &failure.message;
    if m.contains("SLEEPS") {
        format!(
            "a sleep is not an order: your code called thread::sleep ({}). A sleep says \"by \
             then the other thread has probably gone\"; on a busy machine it has not, and \
             under the model checker it has not either. Make the waiting thread sleep on a \
             `Condvar` (or a channel's `recv`) until the thread before it says its turn is over.",
            after_tag(failure, "SLEEPS: ")
        )
    } else if let Some(what) = m.strip_prefix("OUT-OF-ORDER: ") {
        went_early(what)
    } else if let Some(story) = blocked_holding().filter(|_| failure.deadlock) {
        format!(
            "{story}: a thread blocked (in `recv` or a wait) while holding a Mutex the thread \
             whose turn it is needs. Never block with a lock held: give each thread its own \
             channel end (a `Receiver` needs no Mutex when one thread owns it), or wait on a \
             `Condvar`, which lets the lock go while it sleeps."
        )
    } else if failure.deadlock {
        asleep.to_string()
    } else {
        m.clone()
    }
}

const ASLEEP_FOREVER: &str = "a thread slept for ever: the model checker found it waiting for \
    its turn with nobody left to wake it. Either the turn moved on, or was checked, outside the \
    mutex the sleepers wait with (a lost wake-up: the notify went out between the check and the \
    sleep), or it was passed with `notify_one` to a condvar that threads waiting for different \
    turns share, and the wrong one was woken. Change the turn under the lock, and `notify_all`.";

pub fn in_order() -> Verdict {
    let explained = |f: &Failure| explain(f, ASLEEP_FOREVER);
    let result = explore_each(&ARRIVALS, explained, |arrival: [usize; 3]| {
        let (order, turns) = (Arc::new(InOrder::new()), Arc::new(Turns::new()));
        let threads: Vec<_> = arrival.iter().map(|&w| start(&order, &turns, w)).collect();
        threads.into_iter().for_each(join);
        judge_log(&turns.log(), &IN_ORDER);
    });
    verdict(result, "first, second, third, once each", explained)
}

pub fn notify_all() -> Verdict {
    let explained = |f: &Failure| {
        // Both asleep for ever: first's one wake-up went to third. Only
        // third: a later wake-up was lost (ASLEEP_FOREVER says how).
        let second_stuck = f.message.contains("second thread (task");
        explain(
            f,
            if !second_stuck {
                ASLEEP_FOREVER
            } else {
                "second() slept for ever: third and second were both asleep when first() handed \
             on the turn, and only one of them was woken: third, which saw it was not its turn \
             and slept again. That is `notify_one` where the sleepers wait for different \
             turns: wake them all with `notify_all`, and each one looks again."
            },
        )
    };
    let result = explore_each(&[()], explained, |()| {
        let (order, turns) = (Arc::new(InOrder::new()), Arc::new(Turns::new()));
        let third = start(&order, &turns, 2);
        until_asleep(1);
        let second = start(&order, &turns, 1);
        until_asleep(2);
        narrate("sees second and third asleep, and calls first()");
        call(&order, 0, &|w| in_turn(&turns, w, &IN_ORDER));
        [second, third].into_iter().for_each(join);
        judge_log(&turns.log(), &IN_ORDER);
    });
    verdict(result, "second and third each woke in turn", explained)
}

pub fn alternate() -> Verdict {
    let explained = |f: &Failure| explain(f, ASLEEP_FOREVER);
    let cases = [(1, false), (1, true), (3, false), (3, true)];
    let result = explore_each(&cases, explained, |(n, bar_first): (usize, bool)| {
        let (alternate, turns) = (Arc::new(Alternate::new(n)), Arc::new(Turns::new()));
        let side = |bar: bool| {
            let (a, t) = (Arc::clone(&alternate), Arc::clone(&turns));
            let who = if bar { "bar" } else { "foo" };
            spawn_named(&format!("{who} thread"), move || {
                let wanted = alternating("foo", "bar", n);
                let log = || in_turn(&t, who, &wanted);
                if bar {
                    a.bar(log)
                } else {
                    a.foo(log)
                }
            })
        };
        [side(bar_first), side(!bar_first)].into_iter().for_each(join);
        judge_log(&turns.log(), &alternating("foo", "bar", n));
    });
    verdict(result, "foo, bar, foo, bar, ... strictly", explained)
}
