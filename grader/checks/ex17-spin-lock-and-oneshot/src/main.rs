//! The hidden checks of ex17 · Spin lock and one-shot channel. Plain build: real threads
//! (staggered arrivals, lingering holders, a gauge in the guard, values that count their drops),
//! and how it is built (`spins.rs`); loom build (`model.rs`): every interleaving.

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
            "send-and-sync" => spins::send_and_sync,
                "SpinLock is Sync, and the channel's ends Send, exactly when T is Send (read from the types)";
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
    use kata_harness::panicking::{deliberate_panic, expecting_panics};
    use kata_harness::{fail, measure::Gauge, ms, pass, staged, step_limit, Steps};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::{thread, time::Instant};

    /// (threads, lockings each): one, then more than cores; cut at 600 ms (a fair lock is slow).
    const SIZES: [(usize, u64); 4] = [(1, 1_000), (2, 5_000), (3, 3_000), (4, 2_500)];
    const LOCK_HANG: &str = "does the guard's Drop unlock (store false), and does `lock` take \
                             the lock when it sees it free?";
    const RECV_HANG: &str = "a recv that never returns: does the Sender's Drop tell the \
                             receiver (so recv returns None), and does send mark the value sent?";

    pub fn lock_counts() -> Verdict {
        staged(step_limit(), |steps: &Steps| -> Result<(), String> {
            for (threads, each) in SIZES {
                steps.begin(("locking on threads", LOCK_HANG));
                let (lock, gauge, done) = (SpinLock::new(0u64), Gauge::new(), AtomicU64::new(0));
                let (stop, to) = (Instant::now() + ms(600), Ordering::Relaxed);
                let in_time = |i: &u64| !i.is_multiple_of(64) || Instant::now() < stop;
                thread::scope(|s| {
                    for t in 0..threads as u64 {
                        let (lock, gauge, done) = (&lock, &gauge, &done);
                        s.spawn(move || {
                            thread::sleep(ms(t)); // arrivals differ
                            for i in (0..each).take_while(in_time) {
                                done.fetch_add(1, to);
                                let mut guard = lock.lock();
                                let _inside = gauge.enter();
                                let seen = *guard;
                                if i % 512 == t {
                                    thread::yield_now(); // a holder lingers: waiters pile up
                                }
                                *guard = seen + 1;
                            }
                        });
                    }
                });
                let (want, got) = (done.into_inner(), lock.into_inner());
                if gauge.peak() > 1 || got != want {
                    return Err(format!(
                        "{threads} threads, {want} lockings in all: the count came out {got}, \
                         and up to {} threads held the guard at once. `lock` must return only once \
                         *this* thread turned the flag from free to held (a compare_exchange that \
                         succeeded, a swap that returned false); the guard's Drop sets it back.",
                        gauge.peak()
                    ));
                }
            }
            steps.begin(("the value's drops", LOCK_HANG));
            let drops = Drops::new();
            drop(SpinLock::new(drops.make()));
            let kept = SpinLock::new(drops.make());
            *kept.lock() = drops.make(); // replaces value 1, which drops
            let back = kept.into_inner();
            let (number, whole, alive) = (back.number(), back.intact(), drops.alive());
            drop(back);
            if let (false, _) | (_, Some(_)) = (number == 2 && whole && alive == 1, drops.problem())
            {
                return Err(format!(
                    "into_inner returned value {number} (want 2, the last one written through the \
                     guard) with {alive} values alive (want 1), and then: {}. A lock dropped \
                     with its value drops it once; into_inner hands it back without dropping it.",
                    drops.problem().unwrap_or_else(|| "each dropped once".into())
                ));
            }
            steps.begin(("locking after a holder panicked", LOCK_HANG));
            let lock = SpinLock::new(7u64);
            let holds = || {
                let _guard = lock.lock();
                deliberate_panic()
            };
            let _ = expecting_panics(|| thread::scope(|s| s.spawn(holds).join()));
            let _ = *lock.lock();
            Ok(())
        })?
        .map_err(fail)?;
        Ok(pass(
            "exact counts for 1 to 4 threads (up to 10 000 lockings), never two holders, \
             into_inner hands the value back, each value dropped once, a holder's panic unlocks",
        ))
    }

    pub fn oneshot_hands_over() -> Verdict {
        let drops = Drops::new();
        staged(step_limit(), move |steps: &Steps| -> Result<(), String> {
            for (send, late) in [(true, true), (true, false), (false, true), (false, false)] {
                let who = if late { "the receiver waiting first" } else { "the sender done first" };
                steps.begin(("recv", RECV_HANG));
                let (tx, rx) = oneshot::<Tracked>();
                let (value, (wait, lag)) = (send.then(|| drops.make()), if late { (0, 20) } else { (20, 0) });
                let got = thread::scope(|s| {
                    // The sender sends, or drops `tx` unsent, `lag` ms in.
                    s.spawn(move || (thread::sleep(ms(lag)), value.map(|v| tx.send(v))));
                    thread::sleep(ms(wait));
                    rx.recv()
                });
                let why = match (send, got) {
                    (true, Some(v)) if v.intact() => continue,
                    (false, None) => continue,
                    (true, Some(_)) => "recv returned a value that is not the one sent (torn?)",
                    (true, None) => "a value was sent, but recv returned None: return None only when the sender was dropped *without* sending (does the Sender's Drop overwrite \"sent\"?)",
                    (false, Some(_)) => "the sender was dropped without sending, but recv returned a value",
                };
                return Err(format!("with {who}, {why}"));
            }
            steps.begin(("dropping the ends without recv", RECV_HANG));
            let (tx, rx) = oneshot::<Tracked>();
            thread::scope(|s| {
                s.spawn(move || drop(rx));
                tx.send(drops.make());
            });
            drop(oneshot::<Tracked>());
            steps.begin(("a thousand hand-overs", RECV_HANG));
            let (senders, receivers): (Vec<_>, Vec<_>) = (0..1_000).map(|_| oneshot()).unzip();
            let values: Vec<_> = (0..1_000).map(|_| drops.make()).collect();
            let bad = thread::scope(|s| {
                s.spawn(move || senders.into_iter().zip(values).for_each(|(tx, v)| tx.send(v)));
                let got = receivers.into_iter().map(target::Receiver::recv);
                got.filter(|v| !v.as_ref().is_some_and(Tracked::intact)).count()
            });
            if bad > 0 {
                return Err(format!("{bad} of 1 000 values sent one after another came back None or not whole: is `send` a `Release` store after writing the value, and `recv` an `Acquire` load before reading it?"));
            }
            Ok(())
        })?
        .map_err(fail)?;
        if let Some(problem) = drops.problem() {
            return Err(fail(format!(
                "{problem}: each value must be dropped once, by the receiver's caller or, sent and \
                 never received, with the channel (an `Option<T>` in the shared state does it)"
            )));
        }
        Ok(pass(
            "received with the receiver first or last, None for a sender dropped early or \
             late, 1 000 hand-overs whole, and each of 1 003 values dropped exactly once",
        ))
    }
}
