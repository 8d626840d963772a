//! The model build: shuttle picks every interleaving, spurious wake-ups and
//! time-outs included.

use super::*;
use kata_harness::contention::{Scenario, Turn};
use kata_harness::linearizable::{contradiction, Recorder};
use kata_harness::model::{by_tag, until_asleep};
use kata_harness::{ensure, fail, timed::gives_up_on_time, timed::HOUR};
use kata_sync::model::{narrate, sleeps, Failure};
use kata_sync::{sync::atomic::AtomicUsize, sync::atomic::Ordering, time::Instant};

const RELEASED_EARLY: &str = "a waiter returned from wait() before any set(): it was woken (a \
    spurious wake-up, which a real Condvar may have at any time) and left without looking again. \
    Wait in a `while` loop that checks the state under the lock, never behind an `if`.";
const EARLY_FALSE: &str = "wait_timeout(1 hour) returned false before its hour was up on the \
    model's clock: it was woken (a spurious wake-up, which a real Condvar may have at any time) \
    and took that for the end. Wait in a `while` loop that checks the state under the lock, never \
    behind an `if`, and return false only once the deadline has passed.";
const SAID_FALSE: &str = "wait_timeout(1 hour) returned false, though a set() came long before \
    its timeout: a set must release a thread in wait_timeout too, and it then returns true, even \
    if a clear() followed. Stop on the same condition as wait (the flag, or the count of sets), \
    and return true when that stopped you.";
const POLLS: &str = "a waiter called thread::sleep: it sleeps and looks again, in a loop. Polling \
    answers late (up to one sleep after the set) and wakes for nothing; sleep on a `Condvar` \
    instead, and let set() wake you.";

/// The event, the number of sets begun, and when the last set returned.
type Waited = (Event, AtomicUsize, std::sync::Mutex<Option<Instant>>);

/// A waiter, in `wait()` or (`timed`) in `wait_timeout` of an hour. It must
/// return, never before a set began, and the timed one must say `true`
/// unless its hour was up before the set.
fn waiter(timed: bool) -> impl Fn(&Waited, &Turn) + Send + Sync + 'static {
    move |(event, sets_begun, set_at), _| {
        let began = Instant::now();
        narrate(if timed { "calls wait_timeout(1 hour)" } else { "calls wait()" });
        let released = if timed { event.wait_timeout(HOUR) } else { (event.wait(), true).1 };
        narrate(format!("returns {released}"));
        let set_at = *set_at.lock().unwrap_or_else(|e| e.into_inner());
        let begun = sets_begun.load(Ordering::SeqCst) > 0;
        if released {
            assert!(begun, "{RELEASED_EARLY}");
        } else if Instant::now() < began + HOUR && !begun {
            panic!("{EARLY_FALSE}");
        } else if set_at.is_some_and(|at: Instant| at < began + HOUR) {
            panic!("{SAID_FALSE}");
        }
    }
}

/// Waiters A and B (the timed one) on one event while a setter runs
/// `setter`; no thread may let the model's clock run (a sleep). `stuck` is
/// the lesson of a waiter left asleep.
fn waiters(passed: &str, stuck: &'static str, setter: fn(&Event)) -> Verdict {
    let state = || (Event::new(), AtomicUsize::new(0), std::sync::Mutex::new(None));
    Scenario::new("2 waiters and a setter", state)
        .thread("waiter A", waiter(false))
        .thread("waiter B", waiter(true))
        .thread("setter", move |(event, sets_begun, set_at): &Waited, _| {
            sets_begun.fetch_add(1, Ordering::SeqCst);
            setter(event);
            // After the set returned: a waiter that said false had looked
            // for the last time before this moment.
            *set_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        })
        .judge(|_, _| ensure(sleeps() == 0, || fail(POLLS)))
        .check(passed, move |f: &Failure| by_tag(f, &[], stuck))
}

pub fn no_lost_wake_up() -> Verdict {
    let stuck = "a waiter slept through set(): the model checker found every other thread done \
                 and it still waiting. Either set() woke only one waiter (`notify_one` where \
                 every waiter waits for the same news: use `notify_all`), or the wake-up was \
                 lost (the flag changed or was checked outside the mutex the waiters sleep on).";
    waiters("every waiter was released by the set, and after it", stuck, |event| {
        narrate("calls set()");
        event.set();
    })
}

pub fn set_then_clear() -> Verdict {
    let stuck = "set() followed at once by clear() left a waiter asleep: it woke, found the \
                 flag down again, and went back to waiting, though a set() happened while it \
                 waited. Keep a count of the sets beside the flag: a waiter notes it when it \
                 starts and stops waiting when the flag is up or the count has moved.";
    waiters("every waiter was released by the set, though a clear followed", stuck, |event| {
        until_asleep(2); // only waiters asleep at the set must be released by it
        narrate("sees both waiters asleep, and calls set()");
        event.set();
        narrate("calls clear()");
        event.clear();
    })
}

pub fn linearizable() -> Verdict {
    let stuck = "a thread never returned from wait() although a set() came last: a wake-up \
                 was lost or slept through.";
    let scripts: [[&str; 3]; 3] = [
        ["wait_timeout(10 ms)", "wait()", "is_set()"],
        ["set()", "clear()", "is_set()"],
        ["is_set()", "wait_timeout(20 ms)", "set()"],
    ];
    let state = || (Event::new(), Recorder::new());
    let mut scenario = Scenario::new("3 threads mixing every call", state);
    for (thread, script) in scripts.into_iter().enumerate() {
        scenario = scenario.thread(format!("thread {thread}"), move |(event, recorder), _| {
            for call in script {
                recorder.call(thread, call, || perform(event, call));
            }
            // Thread 1 never blocks. Once it is done, a last set (thread 3)
            // releases whoever still waits, timed out or not.
            if thread == 1 {
                recorder.call(3, "set()", || perform(event, "set()"));
            }
        });
    }
    let judge = |(_, recorder): &(Event, Recorder<&'static str, String>), _: &[_]| {
        let lines = contradiction(&Flag::default(), &recorder.history(), CLEARED);
        lines.map_or(Ok(()), |lines| Err(fail(lines.join("\n"))))
    };
    let passed = "every history had a sequential order";
    scenario.judge(judge).check(passed, move |f: &Failure| by_tag(f, &[], stuck))
}

/// On the model's clock: a time-out strikes at its deadline, and spurious
/// wake-ups come part of the way there.
pub fn timeout_on_time() -> Verdict {
    const TIMEOUT: Duration = Duration::from_millis(100);
    gives_up_on_time("wait_timeout(100 ms) on an event nobody set", "true", TIMEOUT, || {
        Event::new().wait_timeout(TIMEOUT)
    })
}
