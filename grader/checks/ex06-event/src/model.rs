//! The model build: shuttle picks every interleaving, spurious wake-ups and
//! time-outs included.

use super::*;
use kata_harness::model::verdict;
use kata_sync::model::{asleep, explore, narrate, sleeps, spawn_named, Failure};
use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::Arc;
use kata_sync::time::Instant;

/// Waiters named A, B, ... wait on one event (the last one in
/// `wait_timeout` of an hour) while a setter runs `setter`. Every waiter
/// must return, never before a set began and without letting the model's
/// clock run (a sleep), and the timed one must say `true` unless its hour
/// was up before the set.
fn waiters_and_setter(waiters: usize, setter: fn(&Event)) {
    const HOUR: Duration = Duration::from_secs(3600);
    let event = Arc::new(Event::new());
    let sets_begun = Arc::new(AtomicUsize::new(0));
    let set_at = Arc::new(std::sync::Mutex::new(None));
    let handles: Vec<_> = (0..waiters)
        .map(|i| {
            let (event, sets_begun) = (Arc::clone(&event), Arc::clone(&sets_begun));
            let set_at = Arc::clone(&set_at);
            let name = format!("waiter {}", char::from(b'A' + i as u8));
            let timed = i + 1 == waiters;
            spawn_named(&name, move || {
                let began = Instant::now();
                let released = if timed {
                    narrate("calls wait_timeout(1 hour)");
                    event.wait_timeout(HOUR)
                } else {
                    narrate("calls wait()");
                    event.wait();
                    true
                };
                narrate(format!("returns {released}"));
                let set_at = *set_at.lock().unwrap_or_else(|e| e.into_inner());
                if released {
                    assert!(
                        sets_begun.load(Ordering::SeqCst) > 0,
                        "RELEASED-EARLY: a waiter returned before any set() was called"
                    );
                } else if Instant::now() < began + HOUR && sets_begun.load(Ordering::SeqCst) == 0 {
                    panic!("EARLY-FALSE: wait_timeout returned false before its timeout was up");
                } else if set_at.is_some_and(|at: Instant| at < began + HOUR) {
                    panic!("SAID-FALSE: wait_timeout returned false though a set() came before its timeout");
                }
            })
        })
        .collect();
    let setter_thread = {
        let event = Arc::clone(&event);
        spawn_named("setter", move || {
            sets_begun.fetch_add(1, Ordering::SeqCst);
            setter(&event);
            // After the set returned: a waiter that said false had looked
            // for the last time before this moment.
            *set_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        })
    };
    setter_thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
    for handle in handles {
        handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
    assert!(sleeps() == 0, "POLLS: a waiter slept in a loop");
}

/// What a failure of the waiter scenarios teaches.
fn waiters_failed(failure: &Failure, asleep: &str) -> String {
    if failure.message.contains("POLLS") {
        "a waiter called thread::sleep: it sleeps and looks again, in a loop. \
         Polling answers late (up to one sleep after the set) and wakes for nothing; sleep on \
         a `Condvar` instead, and let set() wake you."
            .to_string()
    } else if failure.message.contains("EARLY-FALSE") {
        "wait_timeout(1 hour) returned false before its hour was up on the model's clock: it was \
         woken (a spurious wake-up, which a real Condvar may have at any time) and took that for \
         the end. Wait in a `while` loop that checks the state under the lock, never behind an \
         `if`, and return false only once the deadline has passed."
            .to_string()
    } else if failure.message.contains("SAID-FALSE") {
        "wait_timeout(1 hour) returned false, though a set() came long before its timeout: \
         a set must release a thread in wait_timeout too, and it then returns true, even if \
         a clear() followed. Stop on the same condition as wait (the flag, or the count of \
         sets), and return true when that stopped you."
            .to_string()
    } else if failure.message.contains("RELEASED-EARLY") {
        "a waiter returned from wait() before any set(): it was woken (a spurious wake-up, \
         which a real Condvar may have at any time) and left without looking again. Wait in a \
         `while` loop that checks the state under the lock, never behind an `if`."
            .to_string()
    } else if failure.deadlock {
        asleep.to_string()
    } else {
        failure.message.clone()
    }
}

pub fn no_lost_wake_up() -> Verdict {
    let result = explore(|| {
        waiters_and_setter(2, |event| {
            narrate("calls set()");
            event.set();
        })
    });
    verdict(result, "every waiter was released by the set, and after it", |failure| {
        waiters_failed(
            failure,
            "a waiter slept through set(): the model checker found every other thread done \
                 and it still waiting. Either set() woke only one waiter (`notify_one` where \
                 every waiter waits for the same news: use `notify_all`), or the wake-up was \
                 lost (the flag changed or was checked outside the mutex the waiters sleep on).",
        )
    })
}

pub fn set_then_clear() -> Verdict {
    let result = explore(|| {
        waiters_and_setter(2, |event| {
            // Only waiters asleep at the set must be released by it.
            for _ in 0..100 {
                if asleep() >= 2 {
                    break;
                }
                kata_sync::thread::yield_now();
            }
            narrate("sees both waiters asleep, and calls set()");
            event.set();
            narrate("calls clear()");
            event.clear();
        })
    });
    verdict(result, "every waiter was released by the set, though a clear followed", |failure| {
        waiters_failed(
            failure,
            "set() followed at once by clear() left a waiter asleep: it woke, found the flag \
                 down again, and went back to waiting, though a set() happened while it waited. \
                 Keep a count of the sets beside the flag: a waiter notes it when it starts and \
                 stops waiting when the flag is up or the count has moved.",
        )
    })
}

pub fn linearizable() -> Verdict {
    let result = explore(|| {
        let event = Arc::new(Event::new());
        let recorder = Arc::new(Recorder::new());
        let scripts: [&[Call]; 3] = [
            &[Call::WaitTimeout(10), Call::Wait, Call::IsSet],
            &[Call::Set, Call::Clear, Call::IsSet],
            &[Call::IsSet, Call::WaitTimeout(20), Call::Set],
        ];
        let threads: Vec<_> = scripts
            .into_iter()
            .enumerate()
            .map(|(thread, script)| {
                let (event, recorder) = (Arc::clone(&event), Arc::clone(&recorder));
                spawn_named(&format!("thread {thread}"), move || {
                    for &call in script {
                        perform(&recorder, thread, &event, call);
                    }
                })
            })
            .collect();
        // Thread 1 never blocks. Once it is done, a last set (thread 3)
        // releases whoever still waits, timed out or not.
        let mut threads: Vec<_> = threads.into_iter().map(Some).collect();
        if let Some(handle) = threads[1].take() {
            handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
        perform(&recorder, 3, &event, Call::Set);
        for handle in threads.into_iter().flatten() {
            handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
        if let Some(lines) = not_linearizable(&recorder.history()) {
            panic!("{}", lines.join("\n"));
        }
    });
    verdict(result, "every history had a sequential order", |failure| {
        if failure.deadlock {
            "a thread never returned from wait() although a set() came last: a wake-up \
                 was lost or slept through."
                .to_string()
        } else {
            failure.message.clone()
        }
    })
}

/// On the model's clock: a time-out strikes at its deadline, and spurious
/// wake-ups come part of the way there.
pub fn timeout_on_time() -> Verdict {
    const TIMEOUT: Duration = Duration::from_millis(100);
    let result = explore(|| {
        let event = Event::new();
        let began = Instant::now();
        let released = event.wait_timeout(TIMEOUT);
        let took = began.elapsed();
        assert!(!released, "SAID-TRUE: wait_timeout on an event nobody set returned true");
        assert!(took >= TIMEOUT, "EARLY: returned false after {} ms", took.as_millis());
        assert!(
            took <= TIMEOUT + Duration::from_millis(5),
            "LATE: returned after {} ms",
            took.as_millis()
        );
    });
    verdict(result, "wait_timeout(100 ms) returned false at 100 ms", |failure| {
        let m = &failure.message;
        let took = m.rsplit("after ").next().unwrap_or_default();
        if m.contains("SAID-TRUE") {
            "wait_timeout(100 ms) on an event nobody set returned true: a wake-up is not a set. \
             Say true only when the flag is up or a set() came while you waited."
                .to_string()
        } else if m.contains("EARLY") {
            format!(
                "wait_timeout(100 ms) returned false {took} on the model's clock, before its \
                 timeout: a spurious wake-up ended the wait. Loop until the deadline has passed."
            )
        } else if m.contains("LATE") {
            format!(
                "wait_timeout(100 ms) returned {took} on the model's clock: after a wake-up it \
                 waited the whole timeout again. Fix the deadline once, before the loop \
                 (`kata_sync::time::Instant::now() + timeout`), and wait only for what is left."
            )
        } else if failure.deadlock {
            "wait_timeout(100 ms) on an event nobody set never returned under the model \
                 checker, which times out only what it models: a `Condvar`'s wait_timeout. \
                 Build the wait on the facade's `Condvar`, as the stub asks (a channel's \
                 recv_timeout, for one, never times out under the model)."
                .to_string()
        } else {
            m.clone()
        }
    })
}
