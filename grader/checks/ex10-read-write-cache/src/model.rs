//! The model build: shuttle picks every interleaving, spurious wake-ups
//! included.

use super::*;
use kata_harness::contention::{Scenario, Turn};
use kata_harness::model::{after_tag, by_tag, until_asleep};
use kata_harness::rooms::Room;
use kata_sync::model::{asleep, narrate, sleeps, Failure};
use kata_sync::thread::yield_now;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

/// The lock and the check's room of who is inside (a breach panics there).
type State = (RwLock<u32>, Room);

fn fresh() -> State {
    (RwLock::new(0), Room::strict())
}

/// A reader (or a writer, adding one in two steps) in, and out after a step.
fn take(writer: bool, (lock, room): &State, holding: usize) {
    narrate(if writer { "calls write()" } else { "calls read()" });
    if writer {
        let (mut guard, inside) = (lock.write(), room.writer());
        let value = *guard;
        narrate("is in, as a writer");
        (yield_now(), until_asleep(holding), *guard = value + 1);
        drop((inside, guard));
    } else {
        let (guard, inside) = (lock.read(), room.reader());
        narrate("is in, as a reader");
        (yield_now(), until_asleep(holding));
        drop((inside, guard));
    }
    narrate("drops its guard");
}

/// Waits (yielding) until the room has seen `reads` readers and `writes` writers.
fn after(room: &Room, reads: usize, writes: usize) {
    while room.reads() < reads || room.writes() < writes {
        yield_now();
    }
}

fn explain(failure: &Failure) -> String {
    let both = format!("{}. {TOGETHER}", after_tag(failure, "BOTH: "));
    let lost =
        format!("{}: two writers were inside together. {TOGETHER}", after_tag(failure, "LOST: "));
    let overtaken = format!(
        "a reader called read() while a writer was asleep in write() behind a reader, and got \
         in before that writer. {PREFER}"
    );
    let made = format!(
        "{}: two threads both missed under the read lock and both made the value \
         (check-then-act). Look again under the write lock before calling make, and store what \
         it made in that same lock scope.",
        after_tag(failure, "MADE: ")
    );
    let polls = "a waiter called thread::sleep: it sleeps and looks again, in a loop. Sleep on a \
                 `Condvar` instead, and let the holder's drop wake you.";
    let stuck = "a thread slept for ever in read() or write() though the way was clear. Readers \
                 behind a writer all may come in when it leaves: `notify_all` them (`notify_one` \
                 wakes one, and the others sleep on); the last reader out must wake a waiting \
                 writer; and if readers and writers share one condvar, a `notify_one` can wake \
                 a thread that only goes back to sleep. Change the state, then notify, after \
                 every drop.";
    let lessons = [
        ("BOTH", &*both),
        ("LOST", &*lost),
        ("OVERTAKEN", &*overtaken),
        ("MADE", &*made),
        ("POLLS", polls),
    ];
    by_tag(failure, &lessons, stuck)
}

/// Once every thread is done: every write counted, nobody polled.
fn judged(
    (lock, room): &State,
    _: &[kata_harness::contention::Part<()>],
) -> Result<(), kata_harness::Outcome> {
    assert!(sleeps() == 0, "POLLS");
    let (value, writes) = (*lock.read(), room.writes());
    assert!(value as usize == writes, "LOST: {writes} writes of +1 left the value at {value}");
    Ok(())
}

pub fn writer_exclusive() -> Verdict {
    let writes = |s: &State, _: &Turn| (take(true, s, 0), take(true, s, 0)).0;
    let reads = |s: &State, _: &Turn| (take(false, s, 0), take(false, s, 0)).0;
    Scenario::new("2 writers and 2 readers", fresh)
        .thread("writer A", writes)
        .thread("writer B", |s, _| take(true, s, 0))
        .thread("reader C", reads)
        .thread("reader D", |s, _| take(false, s, 0))
        .judge(judged)
        .check("no writer inside with anyone, and no write lost", explain)
}

pub fn no_lost_wake_up() -> Verdict {
    // A writer holds until 2 readers and a writer wait behind it.
    let behind = |writer| move |s: &State, _: &Turn| (after(&s.1, 0, 1), take(writer, s, 0)).1;
    Scenario::new("a writer holding, 2 readers and a writer waiting", fresh)
        .thread("writer H", |s, _| take(true, s, 3))
        .thread("reader A", behind(false))
        .thread("writer B", behind(true))
        .thread("reader C", behind(false))
        .judge(judged)
        .check("the waiters all got in", explain)?;
    // A reader holds until 2 writers wait behind it.
    let writer = |s: &State, _: &Turn| (after(&s.1, 1, 0), take(true, s, 0)).1;
    Scenario::new("a reader holding, 2 writers waiting", fresh)
        .thread("reader H", |s, _| take(false, s, 2))
        .thread("writer A", writer)
        .thread("writer B", writer)
        .judge(judged)
        .check("both writers got in", explain)
}

pub fn writer_first() -> Verdict {
    Scenario::new("a reader holding, a writer waiting, a reader coming", fresh)
        .thread("reader R", |s, _| take(false, s, 2))
        .thread("writer W", |s, _| (after(&s.1, 1, 0), take(true, s, 0)).1)
        .thread("reader C", |(lock, room), _| {
            (after(room, 1, 0), until_asleep(1));
            // Only writer W can be asleep now: it waits, counted as waiting.
            let behind = asleep() >= 1 && room.writes() == 0;
            narrate(format!(
                "calls read(){}",
                ["", ", writer W asleep in write()"][usize::from(behind)]
            ));
            let (guard, inside) = (lock.read(), room.reader());
            assert!(!behind || room.writes() == 1, "OVERTAKEN");
            drop((inside, guard));
        })
        .judge(judged)
        .check("the writer went in before the reader that came after it", explain)
}

pub fn make_once() -> Verdict {
    type Made = (Cache<u32, u32>, AtomicUsize);
    let asks = |value: u32| {
        move |(cache, made): &Made, _: &Turn| {
            narrate(format!("calls get_or_insert_with(7, ↦ {value})"));
            let got = cache.get_or_insert_with(7, || {
                let n = made.fetch_add(1, SeqCst) + 1;
                narrate(format!("make() runs (time {n}), gives {value}"));
                value
            });
            narrate(format!("get_or_insert_with returns {got}"));
            Some(got)
        }
    };
    let state = || (Cache::new(), AtomicUsize::new(0));
    Scenario::new("2 threads asking for key 7, a third reading it", state)
        .thread("thread A", asks(10))
        .thread("thread B", asks(20))
        .thread("thread C", |(cache, _): &Made, _| cache.get(&7))
        .judge(|(cache, made), parts| {
            let (a, b, c, n) =
                (parts[0].result, parts[1].result, parts[2].result, made.load(SeqCst));
            assert!(n == 1, "MADE: make() ran {n} times for key 7, A got {a:?} and B {b:?}");
            assert!(a == b && (c.is_none() || c == a), "MADE: A got {a:?}, B {b:?}, C read {c:?}");
            assert!(cache.get(&7) == a, "MADE: get(&7) afterwards said {:?}", cache.get(&7));
            Ok(())
        })
        .check("make ran once, and every caller got its value", explain)
}
