//! The model build: shuttle picks every interleaving, spurious wake-ups included.

use super::*;
use kata_harness::contention::{Part, Scenario, Turn};
use kata_harness::model::{after_tag, by_tag, until_asleep};
use kata_harness::rooms::{visits, Room};
use kata_harness::Outcome;
use kata_sync::model::{asleep, narrate, sleeps, Failure};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

/// The lock and the check's room of who is inside (a breach panics there).
fn fresh() -> (Lock, Room) {
    (RwLock::new(0), Room::strict())
}

/// Once every thread is done: nobody polled.
fn judged(_: &(Lock, Room), _: &[Part<()>]) -> Result<(), Outcome> {
    assert!(sleeps() == 0, "POLLS");
    Ok(())
}

fn explain(failure: &Failure) -> String {
    let both = format!("{}. {TOGETHER}", after_tag(failure, "BOTH: "));
    let overtaken = format!("a reader that came while a writer waited got in first. {PREFER}");
    let made = format!(
        "{}: two threads both missed under the read lock and both made the value. A miss is \
         only a guess: look again under the write lock before calling make.",
        after_tag(failure, "MADE: ")
    );
    let polls = "a waiter called thread::sleep: it sleeps and looks again, in a loop. Sleep on a \
                 `Condvar` instead, and let the holder's drop wake you.";
    let stuck = "a thread slept for ever in read() or write() though the way was clear. A \
                 leaving writer must wake all the readers behind it (`notify_one` wakes one, \
                 and the others sleep on), the last reader out a waiting writer; on one shared \
                 condvar, `notify_one` may wake a thread that only sleeps again. Change the \
                 state, then notify, after every drop.";
    let said = failure.message.lines().next().unwrap_or_default();
    let panicked = format!("your code panicked ({said}): were two inside together? {TOGETHER}");
    let fallback = if failure.deadlock { stuck } else { &panicked };
    let lessons = [("BOTH", &*both), ("OVERTAKEN", &overtaken), ("MADE", &made), ("POLLS", polls)];
    by_tag(failure, &[&lessons[..], &[("", fallback)]].concat(), stuck)
}

pub fn writer_exclusive() -> Verdict {
    Scenario::new("2 writers and 2 readers", fresh)
        .thread("writer A", visits(WRITE, (0, 0), 1, 0))
        .thread("writer B", visits(WRITE, (0, 0), 1, 0))
        .thread("reader C", visits(READ, (0, 0), 1, 0))
        .thread("reader D", visits(READ, (0, 0), 1, 0))
        .thread("writer E", visits(WRITE, (0, 0), 1, 0))
        .judge(judged)
        .check("no writer inside with anyone", explain)
}

pub fn no_lost_wake_up() -> Verdict {
    Scenario::new("a writer holding, 2 readers and a writer waiting", fresh)
        .thread("writer H", visits(WRITE, (0, 0), 1, 3))
        .thread("reader A", visits(READ, (0, 1), 1, 0))
        .thread("writer B", visits(WRITE, (0, 1), 1, 0))
        .thread("reader C", visits(READ, (0, 1), 1, 0))
        .judge(judged)
        .check("the waiters all got in", explain)?;
    Scenario::new("a reader holding, 2 writers waiting", fresh)
        .thread("reader H", visits(READ, (0, 0), 1, 2))
        .thread("writer A", visits(WRITE, (1, 0), 1, 0))
        .thread("writer B", visits(WRITE, (1, 0), 1, 0))
        .judge(judged)
        .check("both writers got in", explain)
}

pub fn writer_first() -> Verdict {
    Scenario::new("a reader holding, a writer waiting, a reader coming", fresh)
        .thread("reader R", visits(READ, (0, 0), 1, 2))
        .thread("writer W", visits(WRITE, (1, 0), 1, 0))
        .thread("reader C", |(lock, room), _| {
            room.until_seen(1, 0);
            // Only writer W can be asleep now: it waits, counted as waiting.
            let behind = (until_asleep(1), asleep() >= 1 && room.writes() == 0).1;
            narrate(["calls read()", "calls read(), writer W asleep in write()"][behind as usize]);
            let (guard, inside) = (lock.read(), room.reader());
            let overtook = behind && room.writes() == 0;
            drop((inside, guard));
            (room.judge_strictly(), assert!(!overtook, "OVERTAKEN")).1
        })
        .judge(judged)
        .check("the writer went in before the reader that came after it", explain)
}

pub fn make_once() -> Verdict {
    type Made = (Cache<u32, u32>, AtomicUsize);
    let asks = |value: u32| {
        move |(cache, made): &Made, _: &Turn| {
            Some(cache.get_or_insert_with(7, || {
                let time = made.fetch_add(1, SeqCst) + 1;
                narrate(format!("make() runs, time {time}, gives {value}"));
                value
            }))
        }
    };
    let state = || (Cache::new(), AtomicUsize::new(0));
    Scenario::new("2 threads asking for key 7, a third reading it", state)
        .thread("thread A", asks(10))
        .thread("thread B", asks(20))
        .thread("thread C", |(cache, _): &Made, _| cache.get(&7))
        .judge(|(cache, made), parts| {
            let ([a, b, c], n) = ([0, 1, 2].map(|i| parts[i].result), made.load(SeqCst));
            let now = cache.get(&7);
            let told = format!("make() ran {n} times for key 7; A got {a:?}, B {b:?}, C {c:?}");
            assert!(n == 1 && a == b && (c.is_none() || c == a) && now == a, "MADE: {told}");
            Ok(())
        })
        .check("make ran once, and every caller got its value", explain)
}
