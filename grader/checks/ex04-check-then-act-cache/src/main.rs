//! The hidden checks of ex04 · Check-then-act cache.
//!
//! Two builds of this file run. The plain build checks values on one thread
//! and runs a stress test on real threads as a second opinion. The model
//! build (`--cfg kata_shuttle`) is the judge of the race: shuttle runs two
//! keys with two threads asking for each (so a load of one key happens
//! while the other's waiter waits, and a cache that forgets a key is seen)
//! under a thousand schedules (fixed seeds), and two threads loading
//! different keys that can only finish if both loads are in progress at
//! once. A stress run alone never judges a check-then-act bug: on real
//! threads the window is too small to hit reliably (measured: 0 failures in
//! 10,000 runs of a racy cache that shuttle catches at once).

use kata_harness::contention::{narrate, pause, Scenario};
use kata_harness::{fail, Outcome, Verdict};
use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(Cache);

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "returns-loaded-values" => plain::returns_loaded_values,
                "a value comes back as loaded, and is not loaded twice";
            "stress-same-key" => plain::stress_same_key,
                "8 real threads ask for one key at once: one load";
        }
        #[cfg(kata_shuttle)] {
            "model-loads-once" => model::loads_once,
                "keys 7 and 8, two threads asking for each at once: one load per key, under every schedule tried";
            "model-distinct-keys-in-parallel" => model::distinct_keys_in_parallel,
                "two different keys can be loading at the same time";
        }
    })
}

/// A cache, and how many times each key was loaded.
struct Asked {
    cache: Cache<u32, String>,
    loads: [AtomicUsize; 2],
}

/// Threads A, B, ... asking for the keys given (7 or 8), one each; each
/// load takes `loading` on real threads. Each thread must get its own key's
/// value and each key be loaded once, else `too_many(loads, key)` is the
/// failure; under a model checker a second load fails at once, mid-run.
fn asking(
    keys: &'static [u32],
    loading: Duration,
    too_many: fn(usize, u32) -> Outcome,
) -> Scenario<Asked, String> {
    let setup = || Asked { cache: Cache::new(), loads: [AtomicUsize::new(0), AtomicUsize::new(0)] };
    let what = format!("{} threads calling get_or_load", keys.len());
    let asking =
        keys.iter().zip(b'A'..).fold(Scenario::new(what, setup), |scenario, (&key, letter)| {
            scenario.thread(format!("thread {}", char::from(letter)), move |asked: &Asked, _| {
                narrate(format!("asks for key {key}"));
                let value = asked.cache.get_or_load(key, |k| {
                    // Ordering: SeqCst, one total order of loads to count.
                    let n = asked.loads[(*k - 7) as usize].fetch_add(1, Ordering::SeqCst) + 1;
                    narrate(format!("runs the loader for key {k} (load number {n})"));
                    assert!(
                        n == 1 || kata_sync::MODEL.is_none(),
                        "the loader ran {n} times for key {k}"
                    );
                    pause(loading);
                    format!("value {k}")
                });
                narrate(format!("gets {value:?}"));
                value
            })
        });
    asking.judge(move |asked, parts| {
        for (part, key) in parts.iter().zip(keys) {
            let value = &part.result;
            kata_harness::ensure(*value == format!("value {key}"), || {
                fail(format!("a thread got {value:?} for key {key}"))
            })?;
        }
        for (loads, key) in asked.loads.iter().zip(7..) {
            let loads = loads.load(Ordering::SeqCst);
            kata_harness::ensure(loads <= 1 && (loads == 1) == keys.contains(&key), || {
                too_many(loads, key)
            })?;
        }
        Ok(())
    })
}

#[cfg(not(kata_shuttle))]
mod plain {
    use super::*;
    use kata_harness::{ensure, pass, step_limit, within};

    pub fn returns_loaded_values() -> Verdict {
        within(step_limit(), "get_or_load on one thread", || {
            let cache = Cache::new();
            let first = cache.get_or_load(1, |k| format!("value {k}"));
            ensure(first == "value 1", || {
                fail(format!(
                    "get_or_load(1) returned {first:?}, but the loader returned \"value 1\""
                ))
            })?;
            let again = cache.get_or_load(1, |_| "loaded twice".to_string());
            ensure(again == "value 1", || {
                fail(format!(
                    "the second get_or_load(1) returned {again:?}: it called the loader again instead of using the cached value"
                ))
            })?;
            let other = cache.get_or_load(2, |k| format!("value {k}"));
            ensure(other == "value 2", || {
                fail(format!("get_or_load(2) returned {other:?}: each key has its own value"))
            })?;
            let kept = cache.get_or_load(1, |_| "loaded again".to_string());
            ensure(kept == "value 1", || {
                fail(format!(
                    "get_or_load(1), asked again after key 2 was loaded, returned {kept:?}: the cache \
                     forgot key 1. `load` runs at most once per key in the life of the cache: keep \
                     every key's value (a map from key to value), not only the last one."
                ))
            })?;
            Ok(pass("values cached per key"))
        })?
    }

    /// The second opinion: real threads, a real barrier, a loader slow
    /// enough that every thread arrives while it runs.
    pub fn stress_same_key() -> Verdict {
        let too_many = |loads, _| {
            fail(format!(
                "the loader ran {loads} times for one key with 8 threads asking at once: \
                 between \"is it there?\" and \"store it\" another thread got in"
            ))
            .figure("loads of key 7", loads, "== 1")
        };
        let rounds =
            asking(&[7; 8], Duration::from_millis(20), too_many).stress(1, step_limit())?;
        let loads = rounds[0].state.loads[0].load(Ordering::SeqCst);
        Ok(pass("one load for 8 threads").figure("loads of key 7", loads, "== 1"))
    }
}

#[cfg(kata_shuttle)]
mod model {
    use super::*;
    use kata_harness::model::deadlock_story;
    use kata_sync::model::Failure;
    use kata_sync::sync::{Condvar, Mutex};

    pub fn loads_once() -> Verdict {
        let too_many = |loads, key| fail(format!("the loader ran {loads} times for key {key}"));
        asking(&[7, 7, 8, 8], Duration::ZERO, too_many).check("the loader ran exactly once per key", |failure: &Failure| {
            if failure.deadlock {
                let seen = deadlock_story().unwrap_or_else(|| failure.message.lines().next().unwrap_or_default().to_string());
                format!(
                    "the model checker found a deadlock: every thread was waiting for another. ({seen}) \
                     A thread waiting for a key's load must be woken when it ends, whichever key \
                     ends first: notify every waiter (`notify_all`) after storing the value, and wait \
                     in a `while` loop on that key's state."
                )
            } else {
                format!(
                    "{} under the schedule below: two threads both found the key missing and both loaded it. \
                     The check (\"is it there?\") and the act (\"load and store\") must be one step \
                     for each key: do both while holding a lock that other callers of that key must take.",
                    failure.message
                )
            }
        })
    }

    /// Each loader waits (on the facade's Condvar, no timeout) until both
    /// loaders have started. With one lock held around every load, the
    /// second loader can never start: shuttle sees every thread blocked.
    pub fn distinct_keys_in_parallel() -> Verdict {
        let setup = || (Cache::<u32, String>::new(), Mutex::new(0u32), Condvar::new());
        let loading = |key: u32| {
            move |(cache, count, both): &(Cache<u32, String>, Mutex<u32>, Condvar), _: &_| {
                narrate(format!("asks for key {key}"));
                cache.get_or_load(key, |k| {
                    narrate(format!(
                        "starts loading key {k}, and waits for the other load to start"
                    ));
                    let mut count = count.lock().unwrap();
                    *count += 1;
                    both.notify_all();
                    while *count < 2 {
                        count = both.wait(count).unwrap();
                    }
                    format!("value {k}")
                })
            }
        };
        Scenario::new("two keys loading", setup)
            .thread("thread A", loading(1))
            .thread("thread B", loading(2))
            .check("both loads were in progress at once", |failure: &Failure| {
                if failure.deadlock {
                    "correct but serial: while key 1 was loading, the load of key 2 could not start. \
                     Your code holds one lock around every load, so one slow key holds up all others. \
                     Hold the map's lock only to find or create the key's own slot, and load under that slot's lock."
                        .to_string()
                } else {
                    failure.message.clone()
                }
            })
    }
}
