//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::contention::Scenario;
use kata_harness::histories::{judge_rounds, Thread};
use kata_harness::limit::Limit;
use kata_harness::linearizable::Model;
use kata_harness::panicking::{deliberate_panic, panics, unwinding};
use kata_harness::rooms::{unless_stuck, Ended, Room, Sleeper};
use kata_harness::waiting::{idle_cpu, judge_idle};
use kata_harness::{ensure, fail, ms, on_thread, pass, staged, step_limit, within, Outcome};
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::thread::{sleep, spawn, yield_now};

pub fn one_thread() -> Verdict {
    staged(step_limit(), |steps| {
        let mut said = vec!["RwLock::new(5)".to_string()];
        let mut step = |what: String, right: bool| {
            said.push(what);
            ensure(right, || fail(format!("{}: the last is wrong", said.join("; "))))
        };
        steps.begin(("read() and write() on one thread", "a guard that never gives its side back?"));
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
        steps.begin(("write() after two read guards were dropped", "the last reader out let nobody in?"));
        *lock.write() = 9;
        let now = *lock.read();
        step(format!("both dropped, *write() = 9, then *read() → {now}"), now == 9)?;
        steps.begin(("the cache's calls on one thread", "a read guard still held when write() is called?"));
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

/// The lock, the check's room, and (for the relay) whether to stop.
type Shared = (RwLock<u32>, Room, AtomicBool);

/// A writer in: in the room, and adds one to the value in two steps.
fn write_one((lock, room, _): &Shared) {
    let mut guard = lock.write();
    let _inside = room.writer();
    let value = *guard;
    yield_now();
    *guard = value + 1;
}

pub fn writer_exclusive() -> Verdict {
    let state = || (RwLock::new(0u32), Room::new(), AtomicBool::new(false));
    let judge = |(lock, room, _): &Shared, _: &[_]| {
        let (value, writes) = (*lock.read(), room.writes());
        let breach = room.breach().or((value as usize != writes).then(|| {
            format!("{writes} writes of +1 left the value at {value}: writers overlapped")
        }));
        breach.map_or(Ok(()), |what| Err(fail(format!("{what}. {TOGETHER}"))))
    };
    Scenario::new("2 writers and 2 readers", state)
        .threads(2, |s, _| (0..150).for_each(|_| write_one(s)))
        .threads(2, |(lock, room, _), _| {
            for _ in 0..150 {
                let guard = lock.read();
                let inside = room.reader();
                yield_now();
                drop((inside, guard));
            }
        })
        .judge(judge)
        .on_hang("a lost wake-up: a leaving writer or the last reader out woke nobody?")
        .stress(3, step_limit())?;
    Ok(pass("3 rounds of 600 acquisitions: no writer inside with anyone, no write lost"))
}

/// Reads until told to stop or 20 reads came in after `mark`; each reader
/// stays inside until another comes in (a relay), or 200 ms.
fn relay(shared: &Shared, mark: usize) {
    let (lock, room, stop) = shared;
    let going = || !stop.load(SeqCst) && room.reads() < mark + 20;
    while going() {
        let guard = lock.read();
        let inside = room.reader();
        let (me, began) = (room.reads(), std::time::Instant::now());
        while going() && room.reads() == me && began.elapsed() < ms(200) {
            sleep(ms(1));
        }
        drop((inside, guard));
    }
}

/// A reader in; a writer waits (seen asleep); 2 readers relay. How many
/// reads came in while the writer waited, and whether it was seen asleep.
fn starve(shared: Arc<Shared>) -> (usize, bool) {
    let (lock, room, stop) = &*shared;
    let (first, inside) = (lock.read(), room.reader());
    let (clock, clock_rx) = mpsc::channel();
    let writing = Arc::clone(&shared);
    let writer = spawn(move || {
        let _ = clock.send(Sleeper::this_thread());
        let (guard, inside) = (writing.0.write(), writing.1.writer());
        let reads = writing.1.reads();
        drop((inside, guard));
        reads
    });
    let sleeper = clock_rx.recv().ok();
    let asleep = sleeper.and_then(|s| s.asleep(ms(2000))).unwrap_or_else(|| (sleep(ms(100)), true).1);
    let mark = room.reads();
    let (clock, clock_rx) = mpsc::channel();
    let relays: Vec<_> = (0..2)
        .map(|_| {
            let (shared, clock) = (Arc::clone(&shared), clock.clone());
            spawn(move || (clock.send(Sleeper::this_thread()), relay(&shared, mark)))
        })
        .collect();
    let reader = clock_rx.recv().ok();
    // Leave when a relay reader is in, or the first is asleep behind the writer.
    while room.reads() == mark && reader.as_ref().and_then(|r| r.asleep(ms(20))) == Some(false) {}
    drop((inside, first));
    let entered = writer.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
    stop.store(true, SeqCst);
    relays.into_iter().for_each(|r| drop(r.join()));
    (entered - mark, asleep)
}

pub fn writer_not_starved() -> Verdict {
    let shared = Arc::new((RwLock::new(0u32), Room::new(), AtomicBool::new(false)));
    let hung = || {
        fail(
            "a reader held the lock, a writer waited, 2 more readers came, then the first \
             reader left, and it did not finish: the last reader out woke nobody, or a leaving \
             writer left the readers asleep?",
        )
    };
    let (overtook, asleep) = on_thread("kata-relay", step_limit(), move || Ok(starve(shared)), hung)?;
    let figure = |o: Outcome| o.figure("reads let in while the writer waited", overtook, "0");
    ensure(overtook == 0, || {
        figure(fail(format!(
            "a reader held the lock and a writer called write(){}; then 2 readers came, \
             each entering while the other was inside: {overtook} read()s got in before the \
             writer (the check stops the relay at 20), so readers that keep overlapping \
             starve it. {PREFER}",
            if asleep { " and fell asleep in it" } else { "" }
        )))
    })?;
    Ok(figure(pass("the readers that came after the waiting writer went in after it")))
}

/// After the panic, a call that must return: asleep means never.
fn after<T: Send + 'static>(what: &str, lesson: &str, f: impl FnOnce() -> T + Send + 'static) -> Result<T, Outcome> {
    match unless_stuck(step_limit(), f) {
        Ended::Returned(got) => Ok(got),
        Ended::Asleep => Err(fail(format!("{what} fell asleep, with nobody inside to wake it: {lesson}"))),
        Ended::Running => Err(fail(format!("{what} did not return: {lesson}"))),
    }
}

const RAII: &str = "give the side back in the guard's `Drop`, which runs while a panic unwinds \
                    (do not skip it when `thread::panicking()`); the lock does not poison: \
                    recover a poisoned mutex with `unwrap_or_else(|e| e.into_inner())`";

pub fn released_on_panic() -> Verdict {
    let lock = Arc::new(RwLock::new(1u32));
    unwinding(|| lock.read());
    let (what, l) = ("after a reader panicked holding a read guard, write()", Arc::clone(&lock));
    after(what, RAII, move || *l.write() = 2)?;
    unwinding(|| {
        *lock.write() = 5;
        lock.write()
    });
    let (what, l) = ("after a writer panicked holding the write guard, read()", Arc::clone(&lock));
    let left = after(what, RAII, move || {
        let left = *l.read();
        drop(l.write());
        left
    })?;
    ensure(left == 5, || fail(format!("a writer wrote 5, then panicked holding the write guard; then *read() → {left}, not 5 (the lock does not poison: the value stays as the holder left it)")))?;
    let cache = Arc::new(Cache::<u32, u32>::new());
    let made = Arc::clone(&cache);
    let make = "get_or_insert_with(1, make) whose make() panics";
    ensure(panics(AssertUnwindSafe(move || made.get_or_insert_with(1, || deliberate_panic()))), || {
        fail(format!("{make} returned: the panic must go on to the caller"))
    })?;
    let what = format!("after {make}, get(&1), insert(1, 5) and get_or_insert_with(2, || 7)");
    let got = after(&what, RAII, move || (cache.get(&1), cache.insert(1, 5), cache.get_or_insert_with(2, || 7)))?;
    ensure(got == (None, None, 7), || {
        fail(format!("{what} → {got:?}, not (None, None, 7): a make() that panics stores nothing"))
    })?;
    Ok(pass("after a reader, a writer and a make() panicked, the lock and the cache worked"))
}

/// A thread blocked in `block` while the check holds `held`: its CPU.
fn idle<G>(what: &str, lock: &Arc<RwLock<u32>>, held: G, block: fn(&RwLock<u32>)) -> Verdict {
    let (lock, (began, began_rx), (done, done_rx)) = (Arc::clone(lock), mpsc::channel(), mpsc::channel());
    spawn(move || (began.send(()), block(&lock), done.send(())));
    let _ = began_rx.recv();
    sleep(ms(50)); // into its wait
    let cpu = idle_cpu(ms(300));
    ensure(done_rx.try_recv().is_err(), || fail(format!("{what} returned at once: it did not wait")))?;
    let advice = "A blocked thread should sleep until it is woken: wait on a `Condvar` in a \
                  `while` loop, never a loop that looks at a flag (with `spin_loop`, \
                  `yield_now`, a short sleep, or nothing at all).";
    let verdict = judge_idle(cpu, ms(300), &format!("a thread blocked in {what}"), advice);
    drop(held);
    let lost = || fail(format!("{what} was not woken when the holder left: a lost wake-up?"));
    done_rx.recv_timeout(step_limit()).map_err(|_| lost())?;
    verdict
}

pub fn waiting_sleeps() -> Verdict {
    let lock = Arc::new(RwLock::new(0u32));
    let writer = lock.write();
    idle("read() while a writer is inside", &lock, writer, |l| drop(l.read()))?;
    let reader = lock.read();
    idle("write() while a reader is inside", &lock, reader, |l| drop(l.write()))
}

/// A call on the cache, as the history tells it.
#[derive(Clone, Copy, Debug)]
enum Call {
    Get(u8),
    Insert(u8, u32),
    Make(u8, u32),
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Call::Get(k) => write!(f, "get(&{k})"),
            Call::Insert(k, v) => write!(f, "insert({k}, {v})"),
            Call::Make(k, v) => write!(f, "get_or_insert_with({k}, ↦ {v})"),
        }
    }
}

/// The sequential cache: a map of keys 0 and 1.
#[derive(Clone, Hash, PartialEq, Eq, Default)]
struct Map([Option<u32>; 2]);

impl Model for Map {
    type Call = Call;
    type Ret = String;
    fn step(&mut self, call: &Call) -> Option<String> {
        Some(match *call {
            Call::Get(k) => format!("{:?}", self.0[k as usize]),
            Call::Insert(k, v) => format!("{:?}", self.0[k as usize].replace(v)),
            Call::Make(k, v) => self.0[k as usize].get_or_insert(v).to_string(),
        })
    }
}

pub fn linearizable() -> Verdict {
    let script = |cache: &Cache<u8, u32>, me: &mut Thread<'_, Map>| {
        for i in 0..6 {
            let (key, value) = (me.choices.pick(2) as u8, (me.index * 10 + i + 1) as u32);
            let call = [Call::Get(key), Call::Insert(key, value), Call::Make(key, value)]
                [me.choices.pick(3) as usize];
            me.call(call, || match call {
                Call::Get(k) => format!("{:?}", cache.get(&k)),
                Call::Insert(k, v) => format!("{:?}", cache.insert(k, v)),
                Call::Make(k, v) => cache.get_or_insert_with(k, || v).to_string(),
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
