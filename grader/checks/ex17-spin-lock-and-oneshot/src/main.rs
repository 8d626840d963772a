//! The hidden checks of ex17 · Spin lock and one-shot channel.
//!
//! Two builds of this file run:
//!
//! - the plain build, on real threads: the lock counts exactly with 1 to 4
//!   threads arriving at different times, with the check's own count of
//!   holders inside the guard; the channel hands over with the receiver
//!   first or last, and says `None` for a sender dropped early or late; the
//!   values are the harness's `Tracked`, which count their own drops, so
//!   every path is held to "dropped exactly once"; and `spins.rs` reads how
//!   `lock` waits from the learner's source;
//! - the loom build (`model.rs`): the same scenarios with 2 and 3 threads
//!   in every interleaving up to 2 preemptions, where loom's `UnsafeCell`
//!   fails any access of the value that is not ordered after the last one
//!   (two holders, a `Relaxed` unlock, a `Relaxed` "sent").

use kata_harness::Verdict;

kata_harness::exercise!(oneshot, SpinLock);
#[cfg(kata_loom)]
mod model;
#[cfg(not(kata_loom))]
mod spins;

fn main() -> std::process::ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_loom))] {
            "lock-counts" => plain::lock_counts,
                "SpinLock on real threads: exact counts for 1 to 4 threads, never two holders, the value dropped once";
            "oneshot-hands-over" => plain::oneshot_hands_over,
                "oneshot on real threads: received whether the receiver comes first or last, None for a dropped sender, every value dropped once";
            "spins-on-a-load" => spins::spins_on_a_load,
                "lock waits by loading the flag, not by retrying the exchange (read from your crate's source)";
        }
        #[cfg(kata_loom)] {
            "model-lock" => model::lock,
                "SpinLock with 2 and 3 threads: exclusive, and each holder sees the last one's writes, in every interleaving (loom)";
            "model-oneshot" => model::oneshot_paths,
                "oneshot: the value seen whole by the receiver and dropped exactly once on every path, in every interleaving (loom)";
        }
    })
}

#[cfg(not(kata_loom))]
mod plain {
    use super::*;
    use kata_harness::drops::{Drops, Tracked};
    use kata_harness::{ensure, fail, ms, pass, staged, step_limit, Steps};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::thread;

    /// (threads, lockings each): one alone, then more threads than cores.
    const SIZES: [(usize, u64); 4] = [(1, 1_000), (2, 5_000), (3, 3_000), (4, 2_500)];

    /// What a hang in the lock's steps usually is.
    const LOCK_HANG: &str = "does the guard's Drop unlock (store false), and does `lock` take the \
                             lock when it sees it free?";
    const RECV_HANG: &str = "a recv that never returns: does the Sender's Drop tell the receiver \
                             (so recv returns None), and does send mark the value as sent?";

    pub fn lock_counts() -> Verdict {
        let said = staged(step_limit(), |steps: &Steps| -> Result<String, String> {
            for (threads, each) in SIZES {
                steps.begin(("locking on threads", LOCK_HANG));
                let lock = Arc::new(SpinLock::new(0u64));
                let inside = Arc::new(AtomicUsize::new(0));
                let overlaps = Arc::new(AtomicUsize::new(0));
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let (lock, inside, overlaps) =
                            (Arc::clone(&lock), Arc::clone(&inside), Arc::clone(&overlaps));
                        thread::spawn(move || {
                            // Arrivals differ: thread t starts t ms late.
                            thread::sleep(ms(t as u64));
                            for i in 0..each {
                                let mut guard = lock.lock();
                                if inside.fetch_add(1, Ordering::SeqCst) != 0 {
                                    overlaps.fetch_add(1, Ordering::SeqCst);
                                }
                                let seen = *guard;
                                // Now and then a holder lingers, so waiters pile up.
                                if i % 512 == t as u64 {
                                    thread::yield_now();
                                }
                                *guard = seen + 1;
                                inside.fetch_sub(1, Ordering::SeqCst);
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.join().map_err(|_| "a thread panicked inside lock".to_string())?;
                }
                let want = threads as u64 * each;
                let got =
                    Arc::try_unwrap(lock).map_err(|_| "the lock is still shared")?.into_inner();
                let overlapped = overlaps.load(Ordering::SeqCst);
                if overlapped > 0 || got != want {
                    return Err(format!(
                        "{threads} threads × {each} lockings: the count came out {got} of {want}, and \
                         {overlapped} times a thread got the guard while another still held it. \
                         `lock` must return only after *this* thread changed the flag from free to \
                         held (a compare_exchange that succeeded, or a swap that returned false), \
                         and the guard's Drop must set it back."
                    ));
                }
            }
            steps.begin(("the value's drops", LOCK_HANG));
            let drops = Drops::new();
            drop(SpinLock::new(drops.make()));
            let kept = SpinLock::new(drops.make());
            *kept.lock() = drops.make(); // replaces value 1: dropped once
            let back = kept.into_inner();
            if back.number() != 2 || !back.intact() || drops.alive() != 1 {
                return Err(format!(
                    "into_inner returned value {} (want 2, the last one written through the \
                     guard), with {} values alive (want 1): a lock dropped with its value must \
                     drop it once, and into_inner must hand it back without dropping it",
                    back.number(),
                    drops.alive()
                ));
            }
            drop(back);
            if let Some(problem) = drops.problem() {
                return Err(format!("{problem}: every value must be dropped exactly once"));
            }
            steps.begin(("locking after a holder panicked", LOCK_HANG));
            let lock = Arc::new(SpinLock::new(7u64));
            let holder = Arc::clone(&lock);
            let _ = kata_harness::panicking::expecting_panics(|| {
                thread::spawn(move || {
                    let _guard = holder.lock();
                    kata_harness::panicking::deliberate_panic();
                })
                .join()
            });
            let after = *lock.lock();
            Ok(format!("{after}"))
        })?;
        match said {
            Ok(_) => Ok(pass(
                "exact counts for 1 to 4 threads (up to 10 000 lockings), never two holders, \
                 into_inner hands the value back, each value dropped once, and a holder's \
                 panic unlocks",
            )),
            Err(why) => Err(fail(why)),
        }
    }

    /// One way the two ends meet: the receiver waits first (`late_sender`)
    /// or comes last, and the sender sends or is dropped.
    fn meet(drops: &'static Drops, send: bool, late_sender: bool) -> Option<Tracked> {
        let (tx, rx) = oneshot::<Tracked>();
        let value = send.then(|| drops.make());
        let sender = thread::spawn(move || {
            if late_sender {
                thread::sleep(ms(20));
            }
            match value {
                Some(v) => tx.send(v),
                None => drop(tx),
            }
        });
        if !late_sender {
            thread::sleep(ms(20));
        }
        let got = rx.recv();
        let _ = sender.join();
        got
    }

    pub fn oneshot_hands_over() -> Verdict {
        let drops = Drops::new();
        let result = staged(step_limit(), move |steps: &Steps| -> Result<(), String> {
            for (send, late) in [(true, true), (true, false), (false, true), (false, false)] {
                let who = if late { "the receiver waiting first" } else { "the sender done first" };
                steps.begin(("recv", RECV_HANG));
                let got = meet(drops, send, late);
                match (send, got) {
                    (true, Some(v)) if v.intact() => {}
                    (true, Some(_)) => return Err(format!("with {who}, recv returned a value that is not the one sent (torn, or from memory it never was in)")),
                    (true, None) => return Err(format!("with {who}, a value was sent, but recv returned None: return None only when the sender was dropped *without* sending (does the Sender's Drop overwrite \"sent\"?)")),
                    (false, Some(_)) => return Err(format!("with {who}, the sender was dropped without sending, but recv returned a value")),
                    (false, None) => {}
                }
            }
            steps.begin(("dropping the ends without recv", RECV_HANG));
            let (tx, rx) = oneshot::<Tracked>();
            let receiver = thread::spawn(move || drop(rx));
            tx.send(drops.make());
            let _ = receiver.join();
            drop(oneshot::<Tracked>());
            steps.begin(("a thousand hand-overs", RECV_HANG));
            let (senders, receivers): (Vec<_>, Vec<_>) =
                (0..1_000).map(|_| oneshot::<Tracked>()).unzip();
            let values: Vec<_> = (0..1_000).map(|_| drops.make()).collect();
            let sender = thread::spawn(move || {
                for (tx, v) in senders.into_iter().zip(values) {
                    tx.send(v);
                }
            });
            let bad = receivers
                .into_iter()
                .map(|rx| rx.recv())
                .filter(|v| !v.as_ref().is_some_and(Tracked::intact))
                .count();
            let _ = sender.join();
            if bad > 0 {
                return Err(format!("{bad} of 1 000 values sent one after another came back as None or not whole: is `send` a `Release` store after writing the value, and `recv` an `Acquire` load before reading it?"));
            }
            Ok(())
        })?;
        result.map_err(fail)?;
        ensure(drops.problem().is_none(), || {
            fail(format!(
                "{}: each value must be dropped exactly once, by the receiver's caller after \
                 recv, or with the channel when it was sent and never received (keep it in an \
                 `Option<T>` in the shared state, so dropping the state drops it)",
                drops.problem().unwrap_or_default()
            ))
        })?;
        Ok(pass(
            "received with the receiver first or last, None for a sender dropped early or \
             late, 1 000 hand-overs whole, and each of 1 003 values dropped exactly once",
        ))
    }
}
