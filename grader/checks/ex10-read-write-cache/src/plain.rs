//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::contention::Scenario;
use kata_harness::histories::{judge_rounds, Thread};
use kata_harness::limit::Limit;
use kata_harness::linearizable::Model;
use kata_harness::maps::{Map, MapCall, Yielding};
use kata_harness::panicking::{deliberate_panic, panics, unwinding, STILL_A_STUB};
use kata_harness::rooms::{overtaking, visits, Metered, Room, RELAY};
use kata_harness::sleepers::{blocked_behind, returns};
use kata_harness::source::Marker;
use kata_harness::{ensure, fail, ms, pass, step_limit, within, Outcome};
use std::{panic::AssertUnwindSafe, sync::Arc};

/// Makes `call` on `cache`; what it returned, as the model says it.
fn perform(cache: &Cache<u8, Yielding>, call: MapCall) -> String {
    call.said(match call {
        MapCall::Get(k) => cache.get(&k).map(|v| v.0),
        MapCall::Insert(k, v) => cache.insert(k, Yielding(v)).map(|v| v.0),
        MapCall::GetOrInsert(k, v) => Some(cache.get_or_insert_with(k, || Yielding(v)).0),
    })
}

pub fn one_thread() -> Verdict {
    within(step_limit(), "read(), write(), two read guards at once, on one thread", || {
        let lock = RwLock::new(5u32);
        let first = *lock.read();
        *lock.write() += 2;
        let both = [lock.read(), lock.read()].map(|guard| *guard); // two guards at once
        *lock.write() = 9;
        let now = *lock.read();
        let told = format!("new(5), read {first}, += 2, read twice {both:?}, = 9, read {now}");
        ensure((first, both, now) == (5, [7, 7], 9), || fail(told))?;
        use MapCall::*;
        let (cache, mut model) = (Cache::new(), Map::default());
        let script = [Get(1), Insert(1, 10), Insert(1, 11), Get(1), GetOrInsert(1, 9)];
        for call in script.into_iter().chain([GetOrInsert(2, 20), Get(2)]) {
            let (got, want) = (perform(&cache, call), model.step(&call).unwrap_or_default());
            let told = || fail(format!("after the calls before it, {call} → {got}, not {want}"));
            ensure(got == want, told)?;
        }
        Ok(pass("reads see writes, two read guards at once, and the cache answers as a map"))
    })?
}

pub fn readers_overlap() -> Verdict {
    let state = || {
        let (cache, value) = (Cache::new(), Metered::default());
        cache.insert(1, value.clone());
        value.arm(Limit::new(3, ms(2000)));
        (RwLock::new(0u32), cache, value)
    };
    // Each clone of the value is counted: under a read guard, in get, in a get_or_insert_with hit.
    let rounds = Scenario::new("3 threads calling read(), get or get_or_insert_with", state)
        .threads(3, |(lock, cache, value), turn| {
            for _ in 0..20 {
                drop(match turn.round {
                    0 => Some((lock.read(), value.clone()).1),
                    1 => cache.get(&1),
                    _ => Some(cache.get_or_insert_with(1, || panic!("1 is stored: no make"))),
                });
            }
        })
        .on_hang("a read guard that never gives its side back, or a lost wake-up?")
        .stress(3, step_limit())?;
    let kinds = [
        ("read() guards", "a mutex in disguise: count readers in, keep no mutex guard"),
        ("get() calls", "get must take the read lock, which readers share"),
        ("get_or_insert_with() hits", "look under the read lock first, write lock on a miss only"),
    ];
    for (round, (kind, under)) in rounds.iter().zip(kinds) {
        let limit = round.state.2.limit().expect("armed in the setup");
        limit.judge(kind, "impossible with readers only", under)?;
    }
    Ok(pass("read() guards, get() calls and get_or_insert_with() hits: 3 inside at once"))
}

pub fn writer_exclusive() -> Verdict {
    let rounds = Scenario::new("2 writers and 2 readers", || (RwLock::new(0), Room::new()))
        .threads(2, visits(WRITE, (0, 0), 150, 0))
        .threads(2, visits(READ, (0, 0), 150, 0))
        .on_hang("a lost wake-up: a leaving writer or the last reader out woke nobody?")
        .stress(3, step_limit())?;
    if let Some(breach) = rounds.iter().find_map(|round| round.state.1.breach()) {
        return Err(fail(format!("{breach}. {TOGETHER}")));
    }
    Ok(pass("3 rounds of 600 acquisitions: no writer inside with anyone"))
}

pub fn writer_not_starved() -> Verdict {
    let hung = "a reader held the lock, a writer waited, 2 readers came, the first left: it \
                did not finish. The last reader out woke nobody, or the writer no reader?";
    let lock = Arc::new(RwLock::new(0));
    let overtaken = overtaking(lock, (READ.1, WRITE.1), step_limit(), || fail(hung))?;
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
    returns(what, RAII, limit, move || *l.write() = 5)?;
    unwinding(|| lock.write());
    let what = "*write() = 5, then a writer panicked holding the write guard; then *read()";
    let left = returns(what, RAII, limit, move || *lock.read())?;
    let lesson = "the lock does not poison: the value stays as the holder left it";
    ensure(left == 5, || fail(format!("{what} → {left}: {lesson}")))?;
    let (cache, make) = (Arc::new(Cache::new()), "get_or_insert_with(1, make) whose make panics");
    let made = AssertUnwindSafe(Arc::clone(&cache));
    let call = move || panics(move || made.get_or_insert_with(1, || deliberate_panic()));
    let panicked = returns(make, "a miss that locks itself out?", limit, call)?;
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
    let (lock, limit) = (Arc::new(RwLock::new(0)), step_limit());
    let writer = (&lock, lock.write());
    blocked_behind("read() while a writer is inside", writer, |l| drop(l.read()), limit)?;
    let reader = (&lock, lock.read());
    blocked_behind("write() while a reader is inside", reader, |l| drop(l.write()), limit)
}

pub fn linearizable() -> Verdict {
    let script = |cache: &Cache<u8, Yielding>, me: &mut Thread<'_, Map>| {
        for i in 0..6 {
            let call = MapCall::pick(&mut me.choices, me.index, i, 2);
            me.call(call, || perform(cache, call));
        }
    };
    let advice = "Change the map itself under the write lock (not a copy made under the read \
                  lock), and look again there before make: a miss under the read lock is a guess.";
    let what = "3 threads × 6 calls on keys 0 and 1";
    within(step_limit(), "250 rounds of 3 threads calling the cache", move || {
        judge_rounds(what, (250, 3), &Map::default(), "a plain HashMap", Cache::new, script, advice)
    })?
}

pub fn own_lock() -> Verdict {
    let sources = kata_harness::source_under_check!().map_err(|e| fail(e.to_string()))?;
    let reach = sources.reach("read").ok_or_else(|| fail("no `fn read` with a body found"))?;
    match reach.first_of(&Marker::parse("RwLockReadGuard RwLockWriteGuard"), &[]) {
        _ if reach.is_stub() => Err(fail(STILL_A_STUB)),
        Some(found) => Err(fail(format!(
            "your read() holds a {found}: a library's RwLock decides who waits, and that \
             policy is the exercise. Build the lock from the facade's Mutex and Condvars."
        ))),
        None => Ok(pass("read() is built on a Mutex and Condvars, no library RwLock")),
    }
}
