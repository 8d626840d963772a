//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::histories::{judge_rounds, Thread};
use kata_harness::{ensure, fail, pass, step_limit, within};
use kata_harness::{protocol::human_duration, waiting::judge_waiting, waiting::watch_wait};
use std::{sync::atomic::AtomicBool, sync::atomic::Ordering, sync::Arc, time::Instant};

pub fn set_clear_is_set() -> Verdict {
    within(step_limit(), "set, clear and is_set on one thread", || {
        let event = Event::new();
        let mut said = Vec::new();
        let mut expect = |what: &str, got: bool, want: bool| {
            said.push(format!("{what} (is_set: {got})"));
            ensure(got == want, || {
                fail(format!("after {}, is_set() returned {got}, not {want}", said.join(", ")))
            })
        };
        expect("new()", event.is_set(), false)?;
        event.set();
        expect("set()", event.is_set(), true)?;
        event.set();
        expect("set() again", event.is_set(), true)?;
        event.wait(); // the flag is up: returns at once
        event.clear();
        expect("clear()", event.is_set(), false)?;
        event.set();
        expect("set() after the clear", event.is_set(), true)?;
        Ok(pass("the flag goes up and down, and the event is reused"))
    })?
}

pub fn timeout_honoured() -> Verdict {
    const TIMEOUT: Duration = Duration::from_millis(120);
    // Margins for a busy machine: a late wake-up by the OS is not your bug.
    const LATE: Duration = Duration::from_millis(400);
    let timed = |event: &Event, timeout| {
        let began = Instant::now();
        (event.wait_timeout(timeout), began.elapsed())
    };
    let [(unset, took), (zero, _), (set, set_took), (released, after)] =
        within(step_limit(), "wait_timeout, alone and released by a set", move || {
            let event = Event::new();
            let (unset, zero) = (timed(&event, TIMEOUT), timed(&event, Duration::ZERO));
            event.set();
            let set = timed(&event, Duration::from_secs(30));
            // A set must end a wait_timeout at once, not at its timeout.
            let event = Event::new();
            let released = std::thread::scope(|s| {
                let waiter = s.spawn(|| timed(&event, Duration::from_secs(5)));
                std::thread::sleep(Duration::from_millis(100));
                event.set();
                waiter.join()
            });
            [unset, zero, set, released.unwrap_or((false, Duration::MAX))]
        })?;
    let [took_, set_took_, after_] = [took, set_took, after].map(human_duration);
    let why = if unset {
        "wait_timeout(120 ms) on an event nobody set returned true: it may only say true when a \
         set() released it"
            .into()
    } else if took + Duration::from_millis(1) < TIMEOUT {
        format!(
            "wait_timeout(120 ms) returned after {took_}, before its timeout: a wake-up is not a \
             time-out. Fix the deadline before you wait, and keep waiting until it has passed."
        )
    } else if took > TIMEOUT + LATE {
        format!("wait_timeout(120 ms) returned after {took_}: it waited far past its timeout")
    } else if zero {
        "wait_timeout(0) on a cleared event returned true".into()
    } else if !set || set_took >= Duration::from_secs(1) {
        format!(
            "wait_timeout(30 s) on an event that was already set returned {set} after \
             {set_took_}: it should return true at once"
        )
    } else if !released || after >= Duration::from_secs(2) {
        format!(
            "wait_timeout(5 s), with set() called after 100 ms, returned {released} after \
             {after_}: a set must wake a thread in wait_timeout at once (it sleeps on the \
             Condvar, not in thread::sleep), and it then returns true"
        )
    } else {
        String::new()
    };
    let figure = |o: kata_harness::Outcome| {
        o.figure("wait_timeout(120 ms) on a cleared event took", took_.clone(), "120 ms to 520 ms")
    };
    ensure(why.is_empty(), || figure(fail(why.clone())))?;
    Ok(figure(pass("false after the timeout, true at once when set or when released by a set")))
}

pub fn waiting_sleeps() -> Verdict {
    let event = Arc::new(Event::new());
    let waiter = Arc::clone(&event);
    let waited = watch_wait(
        "wait() on a cleared event",
        Duration::from_millis(300),
        step_limit(),
        move || waiter.wait(),
        || event.set(),
    )?;
    judge_waiting(&waited, "a thread blocked in wait()")
}

/// 3 threads × 6 calls picked by round, thread 0 waiting once, and thread
/// 3 setting, once 1 and 2 are done, until 0 is (it may wait after another
/// of its calls cleared the event).
pub fn linearizable() -> Verdict {
    const CALLS: [&str; 5] =
        ["set()", "clear()", "is_set()", "wait_timeout(0 ms)", "wait_timeout(1 ms)"];
    let script = |(event, done): &(Event, [AtomicBool; 3]), me: &mut Thread<'_, Flag>| {
        let is_done = |i: usize| done[i].load(Ordering::SeqCst);
        if me.index == 3 {
            while !is_done(0) {
                if is_done(1) && is_done(2) {
                    me.call("set()", || perform(event, "set()"));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            return;
        }
        for i in 0..6 {
            let call = CALLS[me.choices.pick(5) as usize];
            let call = if me.index == 0 && i == 3 { "wait()" } else { call };
            me.call(call, || perform(event, call));
        }
        done[me.index].store(true, Ordering::SeqCst);
    };
    let advice = "Read and change the flag under the event's one lock; a wait_timeout, even of \
                  0, says true when it finds the flag up.";
    let (what, make) = ("3 threads × 6 calls on an event", || (Event::new(), Default::default()));
    within(step_limit(), "60 rounds of 3 threads calling the event", move || {
        judge_rounds(what, (60, 4), &Flag::default(), CLEARED, make, script, advice)
    })?
}
