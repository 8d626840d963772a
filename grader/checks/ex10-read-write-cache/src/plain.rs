//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::contention::Scenario;
use kata_harness::histories::{judge_rounds, Thread};
use kata_harness::limit::Limit;
use kata_harness::maps::{Map, MapCall};
use kata_harness::panicking::{deliberate_panic, panics, unwinding};
use kata_harness::rooms::{blocked_behind, overtaking, returns, Held, Room, RELAY};
use kata_harness::{ensure, fail, ms, pass, staged, step_limit, within, Outcome};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread::yield_now;

pub fn one_thread() -> Verdict {
    staged(step_limit(), |steps| {
        let mut said = vec!["RwLock::new(5)".to_string()];
        let mut step = |what: String, right: bool| {
            said.push(what);
            ensure(right, || fail(format!("{}: the last is wrong", said.join("; "))))
        };
        steps
            .begin(("read() and write() on one thread", "a guard that never gives its side back?"));
        let lock = RwLock::new(5u32);
        let first = *lock.read();
        step(format!("*read() → {first}"), first == 5)?;
        *lock.write() += 2;
        let now = *lock.read();
        step(format!("*write() += 2, then *read() → {now}"), now == 7)?;
        let two = "a mutex in disguise: the second read() waits for the first guard, on its own \
                   thread. Readers share the lock: count them in, do not hold the mutex in the guard";
        steps.begin(("two read() guards held at once on one thread", two));
        let (a, b) = (lock.read(), lock.read());
        step(format!("two read() guards at once → {} and {}", *a, *b), (*a, *b) == (7, 7))?;
        drop((a, b));
        steps.begin((
            "write() after two read guards were dropped",
            "the last reader out let nobody in?",
        ));
        *lock.write() = 9;
        let now = *lock.read();
        step(format!("both dropped, *write() = 9, then *read() → {now}"), now == 9)?;
        steps.begin((
            "the cache's calls on one thread",
            "a read guard still held when write() is called?",
        ));
        let cache = Cache::new();
        step("Cache::new()".into(), true)?;
        let mut call = |what: &str, got: Option<u32>, want: Option<u32>| {
            step(format!("{what} → {got:?}"), got == want)
        };
        call("get(&1)", cache.get(&1), None)?;
        call("insert(1, 10)", cache.insert(1, 10), None)?;
        call("insert(1, 11)", cache.insert(1, 11), Some(10))?;
        call("get(&1)", cache.get(&1), Some(11))?;
        let stored = cache.get_or_insert_with(1, || 99);
        call("get_or_insert_with(1, || 99) (1 is stored)", Some(stored), Some(11))?;
        let made = cache.get_or_insert_with(2, || 20);
        call("get_or_insert_with(2, || 20) (2 is missing)", Some(made), Some(20))?;
        call("get(&2)", cache.get(&2), Some(20))?;
        Ok(pass("reads see writes, two read guards at once, and the cache answers as a map"))
    })?
}

pub fn readers_overlap() -> Verdict {
    let state = || (RwLock::new(0u32), Limit::new(3, ms(2000)));
    let round = Scenario::new("3 threads calling read()", state)
        .threads(3, |(lock, limit), _| {
            for _ in 0..20 {
                let guard = lock.read();
                let inside = limit.enter();
                yield_now();
                drop((inside, guard));
            }
        })
        .on_hang("a read guard that never gives its side back, or a lost wake-up?")
        .stress(1, step_limit())?
        .remove(0);
    round.state.1.judge(
        "readers inside",
        "impossible with readers only",
        "the lock lets one reader in at a time: a mutex in disguise. A read guard that holds \
         the mutex's guard keeps everyone else out; count the reader in under the mutex, let \
         the mutex go, and read through a clone of the `Arc` (see the chapter)",
    )
}

type Lock = RwLock<u32>;

fn read(lock: &Lock) -> Box<dyn Held + '_> {
    Box::new(lock.read())
}

fn write(lock: &Lock) -> Box<dyn Held + '_> {
    Box::new(lock.write())
}

pub fn writer_exclusive() -> Verdict {
    let judge = |(lock, room): &(Lock, Room), _: &[_]| {
        let (value, writes) = (*lock.read(), room.writes());
        let lost = format!("{writes} writes of +1 left the value at {value}: writers overlapped");
        let breach = room.breach().or((value as usize != writes).then_some(lost));
        breach.map_or(Ok(()), |what| Err(fail(format!("{what}. {TOGETHER}"))))
    };
    Scenario::new("2 writers and 2 readers", || (RwLock::new(0), Room::new()))
        .threads(2, |(lock, room), _| {
            for _ in 0..150 {
                let (mut guard, inside) = (lock.write(), room.writer());
                let value = *guard;
                yield_now();
                *guard = value + 1;
                drop((inside, guard));
            }
        })
        .threads(2, |(lock, room), _| {
            for _ in 0..150 {
                let inside = (lock.read(), room.reader());
                yield_now();
                drop((inside.1, inside.0));
            }
        })
        .judge(judge)
        .on_hang("a lost wake-up: a leaving writer or the last reader out woke nobody?")
        .stress(3, step_limit())?;
    Ok(pass("3 rounds of 600 acquisitions: no writer inside with anyone, no write lost"))
}

pub fn writer_not_starved() -> Verdict {
    let hung = || {
        fail(
            "a reader held the lock, a writer waited, 2 more readers came, then the first \
             reader left, and it did not finish: the last reader out woke nobody, or a leaving \
             writer left the readers asleep?",
        )
    };
    let lock = Arc::new(RwLock::new(0));
    let overtaken = overtaking(lock, (read, write), step_limit(), hung)?;
    let n = overtaken.reads;
    let figure = |o: Outcome| o.figure("reads let in while the writer waited", n, "0");
    ensure(n == 0, || {
        let slept = if overtaken.asleep { " and fell asleep in it" } else { "" };
        figure(fail(format!(
            "a reader held the lock and a writer called write(){slept}; then 2 readers came, \
             each entering while the other was inside: {n} read()s got in before the writer \
             (the check stops at {RELAY}), so readers that keep overlapping starve it. {PREFER}"
        )))
    })?;
    Ok(figure(pass("the readers that came after the waiting writer went in after it")))
}

const RAII: &str = "give the side back in the guard's `Drop`, which runs while a panic unwinds \
                    (do not skip it when `thread::panicking()`); the lock does not poison: \
                    recover a poisoned mutex with `unwrap_or_else(|e| e.into_inner())`";

pub fn released_on_panic() -> Verdict {
    let (lock, limit) = (Arc::new(RwLock::new(1)), step_limit());
    unwinding(|| lock.read());
    let (what, l) = ("after a reader panicked holding a read guard, write()", Arc::clone(&lock));
    returns(what, RAII, limit, move || *l.write() = 2)?;
    unwinding(|| {
        *lock.write() = 5; // this guard is dropped here, the next one held
        lock.write()
    });
    let (what, l) = ("after a writer panicked holding the write guard, read()", lock);
    let left = returns(what, RAII, limit, move || {
        let left = *l.read();
        drop(l.write());
        left
    })?;
    ensure(left == 5, || {
        fail(format!(
            "a writer wrote 5, then panicked holding the write guard; then *read() → {left}: \
             the lock does not poison, the value stays as the holder left it"
        ))
    })?;
    let (cache, make) = (Arc::new(Cache::new()), "get_or_insert_with(1, make) whose make panics");
    let made = Arc::clone(&cache);
    let panicked =
        panics(AssertUnwindSafe(move || made.get_or_insert_with(1, || deliberate_panic())));
    ensure(panicked, || fail(format!("{make} returned: the panic must go on to the caller")))?;
    let what = format!("after {make}, get(&1), insert(1, 5) and get_or_insert_with(2, || 7)");
    let got = returns(&what, RAII, limit, move || {
        (cache.get(&1), cache.insert(1, 5), cache.get_or_insert_with(2, || 7))
    })?;
    ensure(got == (None, None, 7), || {
        fail(format!("{what} → {got:?}, not (None, None, 7): a make that panics stores nothing"))
    })?;
    Ok(pass("after a reader, a writer and a make() panicked, the lock and the cache worked"))
}

pub fn waiting_sleeps() -> Verdict {
    let advice = "A blocked thread should sleep until it is woken: wait on a `Condvar` in a \
                  `while` loop, never a loop that looks at a flag (with `spin_loop`, \
                  `yield_now`, a short sleep, or nothing at all).";
    let (lock, limit) = (Arc::new(RwLock::new(0)), step_limit());
    let writer = (&lock, lock.write());
    blocked_behind("read() while a writer is inside", writer, |l| drop(l.read()), limit, advice)?;
    let reader = (&lock, lock.read());
    blocked_behind("write() while a reader is inside", reader, |l| drop(l.write()), limit, advice)
}

pub fn linearizable() -> Verdict {
    let script = |cache: &Cache<u8, u32>, me: &mut Thread<'_, Map>| {
        for i in 0..6 {
            let call = MapCall::pick(&mut me.choices, me.index, i, 2);
            me.call(call, || {
                call.said(match call {
                    MapCall::Get(k) => cache.get(&k),
                    MapCall::Insert(k, v) => cache.insert(k, v),
                    MapCall::GetOrInsert(k, v) => Some(cache.get_or_insert_with(k, || v)),
                })
            });
        }
    };
    let advice = "A miss under the read lock is only a guess: look again under the write lock \
                  before calling make, and store what it made in that same lock scope.";
    let what = "3 threads × 6 calls on keys 0 and 1";
    within(step_limit(), "60 rounds of 3 threads calling the cache", move || {
        judge_rounds(what, (60, 3), &Map::default(), "a plain HashMap", Cache::new, script, advice)
    })?
}
