//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::protocol::human_duration;
use kata_harness::waiting::{judge_waiting, watch_wait};
use kata_harness::{ensure, fail, pass, step_limit, within};
use std::sync::{Arc, Barrier};
use std::time::Instant;

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
    let (unset, took, zero, set_took) = within(step_limit(), "wait_timeout", || {
        let event = Event::new();
        let began = Instant::now();
        let unset = event.wait_timeout(TIMEOUT);
        let took = began.elapsed();
        let zero = event.wait_timeout(Duration::ZERO);
        event.set();
        let began = Instant::now();
        let set = event.wait_timeout(Duration::from_secs(30));
        (unset, took, zero, (set, began.elapsed()))
    })?;
    let figure = |o: kata_harness::Outcome| {
        o.figure(
            "wait_timeout(120 ms) on a cleared event took",
            human_duration(took),
            "120 ms to 520 ms",
        )
    };
    ensure(!unset, || {
        figure(fail(
            "wait_timeout(120 ms) on an event nobody set returned true: it may only say true \
             when a set() released it",
        ))
    })?;
    ensure(took + Duration::from_millis(1) >= TIMEOUT, || {
        figure(fail(format!(
            "wait_timeout(120 ms) returned after {}, before its timeout: a wake-up is not a \
             time-out. Fix the deadline before you wait, and keep waiting until it has passed.",
            human_duration(took)
        )))
    })?;
    ensure(took <= TIMEOUT + LATE, || {
        figure(fail(format!(
            "wait_timeout(120 ms) returned after {}: it waited far past its timeout",
            human_duration(took)
        )))
    })?;
    ensure(!zero, || fail("wait_timeout(0) on a cleared event returned true"))?;
    ensure(set_took.0 && set_took.1 < Duration::from_secs(1), || {
        fail(format!(
            "wait_timeout(30 s) on an event that was already set returned {} after {}: it \
             should return true at once",
            set_took.0,
            human_duration(set_took.1)
        ))
    })?;
    // A set must end a wait_timeout at once, not at its timeout.
    let event = Arc::new(Event::new());
    let waiter = Arc::clone(&event);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let began = Instant::now();
        let _ = tx.send((waiter.wait_timeout(Duration::from_secs(5)), began.elapsed()));
    });
    std::thread::sleep(Duration::from_millis(100));
    event.set();
    let (said, after) = rx
        .recv_timeout(step_limit())
        .map_err(|_| fail("wait_timeout(5 s), released by a set, did not return"))?;
    ensure(said && after < Duration::from_secs(2), || {
        figure(fail(format!(
            "wait_timeout(5 s), with set() called after 100 ms, returned {said} after {}: a set \
             must wake a thread in wait_timeout at once (it sleeps on the Condvar, not in \
             thread::sleep), and it then returns true",
            human_duration(after)
        )))
    })?;
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

pub fn linearizable() -> Verdict {
    const ROUNDS: u64 = 60;
    within(step_limit(), "60 rounds of 3 threads calling the event", || {
        for round in 0..ROUNDS {
            let history = one_round(round);
            if let Some(lines) = not_linearizable(&history) {
                return Err(fail(format!(
                    "round {} of {ROUNDS}: the calls' results contradict each other",
                    round + 1
                ))
                .details(lines));
            }
        }
        Ok(pass(format!("{ROUNDS} rounds of 3 threads × 6 calls: every history linearizable")))
    })?
}

/// Three threads, released together, each making 6 calls that a simple
/// generator picks from the round number: uneven mixes of every call.
/// Thread 0 also waits, once.
fn one_round(round: u64) -> Vec<Op<Call, Ret>> {
    let event = Event::new();
    let recorder = Recorder::new();
    let start = Barrier::new(3);
    std::thread::scope(|s| {
        let threads: Vec<_> = (0..3)
            .map(|thread| {
                let (event, recorder, start) = (&event, &recorder, &start);
                s.spawn(move || {
                    start.wait();
                    let mut seed = round * 31 + thread as u64 * 7 + 1;
                    for i in 0..6 {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let call = match (seed >> 33) % 5 {
                            _ if thread == 0 && i == 3 => Call::Wait,
                            0 => Call::Set,
                            1 => Call::Clear,
                            2 => Call::IsSet,
                            3 => Call::WaitTimeout(0),
                            _ => Call::WaitTimeout(1),
                        };
                        perform(recorder, thread, event, call);
                    }
                })
            })
            .collect();
        let mut threads = threads.into_iter();
        let first = threads.next();
        for handle in threads {
            let _ = handle.join();
        }
        // Thread 0 may wait after another of its calls cleared the event:
        // sets (as thread 3) until it is done.
        while first.as_ref().is_some_and(|t| !t.is_finished()) {
            perform(&recorder, 3, &event, Call::Set);
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    recorder.history()
}
