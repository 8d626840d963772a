//! The loom build: the lock and the channel in every interleaving up to 2
//! preemptions, narrated; the learner's `UnsafeCell` is loom's, so an access
//! not ordered after the last one fails. Tagged panics pick the lesson.

use super::*;
use kata_harness::drops::{Drops, Tracked};
use kata_harness::model::{explore_each, join, verdict};
use kata_harness::spinning::{gave_up, gave_up_verdict, lesson};
use kata_sync::model::{narrate, spawn_named, Failure};
use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::Arc;

const NAMES: [&str; 3] = ["thread A", "thread B", "thread C"];

/// (threads, lockings each); 3 spinning threads make loom's search endless.
const SIZES: [(usize, u64); 2] = [(2, 1), (2, 2)];

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

pub fn lock() -> Verdict {
    let explored = explore_each(
        &SIZES,
        |f: &Failure| lesson(&f.message, &LOCK_LESSONS),
        |(threads, each)| {
            narrate(format!("makes a SpinLock(0); {threads} threads lock it {each} time(s) each"));
            let lock = Arc::new(SpinLock::new(0u64));
            // Loom's, Relaxed: a switch point that orders nothing (SeqCst would).
            let inside = Arc::new(AtomicUsize::new(0));
            let mut handles = Vec::new();
            for name in &NAMES[..threads] {
                let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
                handles.push(spawn_named(name, move || {
                    for _ in 0..each {
                        let mut guard = lock.lock();
                        narrate("lock() returned the guard; reads the value through it");
                        let holders = inside.fetch_add(1, Ordering::Relaxed) + 1;
                        assert!(holders == 1, "TWO HOLDERS: {name} took a guard that was held");
                        let seen = *guard;
                        *guard = seen + 1;
                        narrate(format!("read {seen}, writes {}, unlocks", seen + 1));
                        inside.fetch_sub(1, Ordering::Relaxed);
                    }
                }));
            }
            handles.into_iter().for_each(join);
            let (want, got) = (threads as u64 * each, *lock.lock());
            narrate(format!("locks after the joins: the value is {got}"));
            assert!(got == want, "COUNT: {threads} threads × {each} left {got} of {want}");
        },
    );
    match explored {
        Err(f) if gave_up(&f.message) => {
            gave_up_verdict(f.executions, "lock-counts (real threads) and spins-on-a-load")
        }
        explored => verdict(explored, "one holder at a time, and the count exact", |f| {
            lesson(&f.message, &LOCK_LESSONS)
        }),
    }
}

/// (sends, receives, the end on the second thread): the other end is the
/// caller's; a receiver that does not receive is dropped.
const PATHS: [(bool, bool, &str); 4] = [
    (true, true, "sender"),
    (true, true, "receiver"),
    (false, true, "sender"),
    (true, false, "receiver"),
];

pub fn oneshot_paths() -> Verdict {
    let explored = explore_each(
        &PATHS,
        |f: &Failure| lesson(&f.message, &ONESHOT_LESSONS),
        |(sends, receives, there)| {
            let drops = Drops::new();
            let (tx, rx) = oneshot::<Tracked>();
            let value = sends.then(|| drops.make());
            let sender = move || {
                narrate(if sends { "calls send(value 0)" } else { "drops the Sender unsent" });
                if let Some(v) = value {
                    tx.send(v);
                    narrate("send returned");
                }
                None
            };
            // Told after the joins: a panic while the other thread runs aborts loom.
            let receiver = move || {
                let got = receives.then(|| rx.recv());
                narrate(match &got {
                    None => "drops the Receiver without recv".to_string(),
                    Some(v) => format!("recv() returned {:?}", v.as_ref().map(Tracked::number)),
                });
                match (sends, got) {
                    (true, Some(Some(v))) if !v.intact() => Some("Causality violation: not whole"),
                    (true, Some(None)) => Some("NONE: recv() returned None after a send"),
                    (false, Some(Some(_))) => Some("SOME: recv() returned a value nobody sent"),
                    _ => None,
                }
            };
            type Side = Box<dyn FnOnce() -> Option<&'static str> + Send>;
            let (here, away): (Side, Side) = match there {
                "sender" => (Box::new(receiver), Box::new(sender)),
                _ => (Box::new(sender), Box::new(receiver)),
            };
            let other = spawn_named(there, away);
            if let Some(wrong) = here().or(join(other)) {
                panic!("{wrong}");
            }
            if let Some(problem) = drops.problem() {
                panic!("DROPS: {problem} when both ends were gone");
            }
        },
    );
    verdict(explored, "the value seen whole and dropped exactly once", |f| {
        lesson(&f.message, &ONESHOT_LESSONS)
    })
}
