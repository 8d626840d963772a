//! The loom build: the lock and the channel under every interleaving up to
//! 2 preemptions, with loom's memory model. The learner's `UnsafeCell` is
//! loom's (through the facade), so an access of the value that is not
//! ordered after the previous thread's fails the execution ("Causality
//! violation"); the scenario narrates each step, so the failure reads as
//! the interleaving that shows the stale read. Failures are tagged
//! (`TWO HOLDERS:`, `NONE:` ...) and told in this exercise's words.

use super::*;
use kata_harness::drops::{Drops, Tracked};
use kata_harness::inconclusive;
use kata_harness::model::{by_tag, explore_each, join, verdict};
use kata_sync::model::{narrate, spawn_named, Failure};
use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::Arc;

const NAMES: [&str; 3] = ["thread A", "thread B", "thread C"];

/// (threads, lockings each): 2 preemptions reach every overlap of these.
/// (Three threads that spin on one lock make loom's search endless even for
/// a right lock: the waiters keep it exploring turns in which they spin.)
const SIZES: [(usize, u64); 2] = [(2, 1), (2, 2)];

/// What a wait loop that never ends means here (the facade's words are
/// about `Condvar`s, which this exercise has none of).
const ENDLESS: &str = "a wait loop never ended: under loom a loop that does not call \
    `hint::spin_loop()` (or `thread::yield_now()`) on every turn never lets the thread it waits \
    for run, so call it in each wait loop, in `lock` and in `recv`. Or the loop waits for \
    something that never comes: a lock never unlocked, or a `recv` whose sender was dropped \
    without the Sender's Drop saying so (recv must then return None).";

const LOCK_LESSONS: [(&str, &str); 3] = [
    ("TWO HOLDERS", "two threads held the guard at once (below): `lock` must return only after this thread itself changed the flag from free to held in one read-modify-write (`compare_exchange_weak(false, true, ..)` that succeeded, or `swap(true, ..)` that returned false); a load that saw it free proves nothing, another thread may take it right after."),
    ("Causality violation", "a holder reached the value without the previous holder's writes happening before (below). Take the lock with one read-modify-write that reads the last holder's unlock, `compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)` or `swap(true, Ordering::Acquire)`, not a load then a store (which lets a thread in on a stale \"free\"), and unlock in the guard's Drop with `store(false, Ordering::Release)`. With `Relaxed` on either side the flag is handed over but the value is not: the next holder may read it as it was before the last holder's write."),
    ("COUNT", "the count came out wrong (below), though no two holders were seen at once: is every change made through the guard, and does each thread's lock see the previous holder's write?"),
];

const ONESHOT_LESSONS: [(&str, &str); 5] = [
    ("Causality violation", "the receiver reached the value without the sender's write happening before (below): `send` must write the value and then store \"sent\" with `Ordering::Release`, and `recv` must see \"sent\" with an `Ordering::Acquire` load before it touches the cell. With `Relaxed` on either side the flag arrives but the value may not."),
    ("NONE", "a value was sent, but recv returned None (below): return None only when the sender was dropped *without* sending. `send` takes `self`, so the Sender's Drop runs after it: it must change \"empty\" to \"gone\" (a compare_exchange) and leave \"sent\" alone."),
    ("SOME", "the sender was dropped without sending, but recv returned a value (below)."),
    ("DROPS", "a value was not dropped exactly once (below): keep it in an `Option<T>` inside the shared state, `take()` it in recv, and let the state's own drop (the last `Arc`) drop a value that was sent and never received."),
    ("leaked", "loom found memory that was never freed at the end of the execution (below): an `Arc` of the channel forgotten, or a value never dropped?"),
];

fn explain(failure: &Failure, lessons: &[(&str, &str)]) -> String {
    if failure.message.contains("looped without ever blocking") {
        return ENDLESS.to_string();
    }
    let lesson = by_tag(failure, lessons, ENDLESS);
    if lesson == failure.message {
        format!("your code panicked under loom: {}", failure.message)
    } else {
        lesson
    }
}

pub fn lock() -> Verdict {
    let explored = explore_each(
        &SIZES,
        |f: &Failure| explain(f, &LOCK_LESSONS),
        |(threads, each)| {
            narrate(format!("makes a SpinLock(0); {threads} threads lock it {each} time(s) each"));
            let lock = Arc::new(SpinLock::new(0u64));
            // Relaxed, and a loom atomic: each update is a point where loom
            // may switch threads, and orders nothing (a SeqCst one would
            // hand the value over in place of the learner's unlock).
            let inside = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = NAMES[..threads]
                .iter()
                .map(|&name| {
                    let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
                    spawn_named(name, move || {
                        for _ in 0..each {
                            let mut guard = lock.lock();
                            narrate("lock() returned the guard");
                            let holders = inside.fetch_add(1, Ordering::Relaxed) + 1;
                            assert!(
                                holders == 1,
                                "TWO HOLDERS: {name} got the guard while another thread held it"
                            );
                            let seen = *guard;
                            narrate(format!("reads {seen}"));
                            *guard = seen + 1;
                            narrate(format!("writes {}", seen + 1));
                            inside.fetch_sub(1, Ordering::Relaxed);
                            drop(guard);
                            narrate("drops the guard (unlocks)");
                        }
                    })
                })
                .collect();
            handles.into_iter().for_each(join);
            let want = threads as u64 * each;
            let got = *lock.lock();
            narrate(format!("locks after the joins: the value is {got}"));
            assert!(got == want, "COUNT: {threads} threads × {each} left {got} of {want}");
        },
    );
    match explored {
        Err(f) if f.message.contains("looped without ever blocking") => Ok(inconclusive(format!(
            "loom gave up after {} schedules on one in which a thread kept spinning. loom cannot \
             finish some right spin locks (a waiter that retries a `swap` writes the flag on every \
             turn, so there is always a new value to read), and gives up too on a lock that is \
             never unlocked or a wait loop without `hint::spin_loop()`. The schedules before it \
             held; lock-counts (real threads) and spins-on-a-load judge the rest.",
            f.executions
        ))),
        explored => verdict(explored, "one holder at a time, and the count exact", |f| {
            explain(f, &LOCK_LESSONS)
        }),
    }
}

/// The ways the two ends of a channel meet: who acts on the second thread,
/// and whether anything is sent.
#[derive(Clone, Copy)]
enum Path {
    Sends,
    Receives,
    DropsSender,
    DropsReceiver,
}

pub fn oneshot_paths() -> Verdict {
    use Path::*;
    let explored = explore_each(
        &[Sends, Receives, DropsSender, DropsReceiver],
        |f: &Failure| explain(f, &ONESHOT_LESSONS),
        |path| {
            let drops = Drops::new();
            let (tx, rx) = oneshot::<Tracked>();
            let value = drops.make();
            let receive = |rx: target::Receiver<Tracked>, sent: bool| {
                narrate("calls recv()");
                match (rx.recv(), sent) {
                    (Some(v), true) => {
                        narrate(format!("recv() returned value {}", v.number()));
                        assert!(v.intact(), "Causality violation: the value received is not whole");
                    }
                    (None, true) => panic!("NONE: recv() returned None after a send"),
                    (Some(_), false) => panic!("SOME: recv() returned a value nobody sent"),
                    (None, false) => narrate("recv() returned None"),
                }
            };
            let send = |tx: target::Sender<Tracked>, v: Tracked| {
                narrate("calls send(value 0)");
                tx.send(v);
                narrate("send returned");
            };
            match path {
                Sends => {
                    let there = spawn_named("sender", move || send(tx, value));
                    receive(rx, true);
                    join(there);
                }
                Receives => {
                    let there = spawn_named("receiver", move || receive(rx, true));
                    send(tx, value);
                    join(there);
                }
                DropsSender => {
                    drop(value);
                    let there = spawn_named("sender", move || {
                        narrate("drops the Sender without sending");
                        drop(tx);
                    });
                    receive(rx, false);
                    join(there);
                }
                DropsReceiver => {
                    let there = spawn_named("receiver", move || {
                        narrate("drops the Receiver without recv");
                        drop(rx);
                    });
                    send(tx, value);
                    join(there);
                }
            }
            if let Some(problem) = drops.problem() {
                panic!("DROPS: {problem} when both ends were gone");
            }
        },
    );
    verdict(explored, "the value seen whole and dropped exactly once", |f| {
        explain(f, &ONESHOT_LESSONS)
    })
}
