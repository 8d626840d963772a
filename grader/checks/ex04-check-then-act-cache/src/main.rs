//! The hidden checks of ex04 · Check-then-act cache.
//!
//! Two builds of this file run. The plain build checks values on real
//! threads, with a stress run as a second opinion. The model build
//! (`--cfg kata_shuttle`) is the judge of the race: shuttle runs three
//! threads asking for one key under a thousand schedules (fixed seeds), and
//! two threads loading different keys that can only finish if both loads
//! are in progress at once. A stress run alone never judges a check-then-act
//! bug: on real threads the window is too small to hit reliably (measured:
//! 0 failures in 10,000 runs of a racy cache that shuttle catches at once).

#[cfg(not(kata_shuttle))]
use kata_harness::{ensure, fail, pass, within};
use kata_harness::{Check, Verdict};
use std::process::ExitCode;

kata_harness::exercise!(Cache);

fn main() -> ExitCode {
    #[cfg(not(kata_shuttle))]
    let checks = [
        Check::new(
            "returns-loaded-values",
            "a value comes back as loaded, and is not loaded twice",
            returns_loaded_values,
        ),
        Check::new(
            "stress-same-key",
            "8 real threads ask for one key at once: one load",
            plain::stress_same_key,
        ),
    ];
    #[cfg(kata_shuttle)]
    let checks = [
        Check::new(
            "model-loads-once",
            "3 threads ask for one key at once: one load, under every schedule tried",
            model::loads_once,
        ),
        Check::new(
            "model-distinct-keys-in-parallel",
            "two different keys can be loading at the same time",
            model::distinct_keys_in_parallel,
        ),
    ];
    kata_harness::main(&checks)
}

#[cfg(not(kata_shuttle))]
fn returns_loaded_values() -> Verdict {
    use std::time::Duration;
    within(Duration::from_secs(3), "get_or_load on one thread", || {
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
            fail(format!(
                "get_or_load(2) returned {other:?}: each key has its own value"
            ))
        })?;
        Ok(pass("values cached per key"))
    })?
}

#[cfg(not(kata_shuttle))]
mod plain {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;
    use std::time::Duration;

    /// The second opinion: real threads, a real barrier, a loader slow
    /// enough that every thread arrives while it runs.
    pub fn stress_same_key() -> Verdict {
        let loads = within(
            Duration::from_secs(5),
            "8 threads calling get_or_load(7)",
            || {
                let cache = Cache::new();
                let loads = AtomicUsize::new(0);
                let start = Barrier::new(8);
                std::thread::scope(|s| {
                    for _ in 0..8 {
                        s.spawn(|| {
                            start.wait();
                            cache.get_or_load(7u32, |_| {
                                loads.fetch_add(1, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(20));
                                7u64
                            })
                        });
                    }
                });
                loads.load(Ordering::SeqCst)
            },
        )?;
        ensure(loads == 1, || {
            fail(format!(
                "the loader ran {loads} times for one key with 8 threads asking at once: \
                 between \"is it there?\" and \"store it\" another thread got in"
            ))
            .figure("loads of key 7", loads, "== 1")
        })?;
        Ok(pass("one load for 8 threads").figure("loads of key 7", loads, "== 1"))
    }
}

#[cfg(kata_shuttle)]
mod model {
    use super::*;
    use kata_harness::model::verdict;
    use kata_sync::model::{explore, narrate, spawn_named};
    use kata_sync::sync::atomic::{AtomicUsize, Ordering};
    use kata_sync::sync::{Arc, Condvar, Mutex};

    pub fn loads_once() -> Verdict {
        let result = explore(|| {
            let cache = Arc::new(Cache::new());
            let loads = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = ["thread A", "thread B", "thread C"]
                .into_iter()
                .map(|name| {
                    let (cache, loads) = (Arc::clone(&cache), Arc::clone(&loads));
                    spawn_named(name, move || {
                        narrate("asks for key 7");
                        let value = cache.get_or_load(7u32, |k| {
                            let n = loads.fetch_add(1, Ordering::SeqCst) + 1;
                            narrate(format!("runs the loader for key {k} (load number {n})"));
                            format!("value {k}")
                        });
                        narrate(format!("gets {value:?}"));
                        value
                    })
                })
                .collect();
            for handle in threads {
                let value = handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                assert_eq!(value, "value 7", "a thread got {value:?} for key 7");
            }
            let loads = loads.load(Ordering::SeqCst);
            assert!(loads == 1, "the loader ran {loads} times for key 7");
        });
        verdict(result, "ex04", "the loader ran exactly once", |failure| {
            if failure.deadlock {
                format!(
                    "the model checker found a deadlock: every thread was waiting for another. ({})",
                    failure.message.lines().next().unwrap_or_default()
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
        let result = explore(|| {
            let cache = Arc::new(Cache::new());
            let started = Arc::new((Mutex::new(0u32), Condvar::new()));
            let threads: Vec<_> = [(1u32, "thread A"), (2u32, "thread B")]
                .into_iter()
                .map(|(key, name)| {
                    let (cache, started) = (Arc::clone(&cache), Arc::clone(&started));
                    spawn_named(name, move || {
                        narrate(format!("asks for key {key}"));
                        cache.get_or_load(key, |k| {
                            narrate(format!(
                                "starts loading key {k}, and waits for the other load to start"
                            ));
                            let (count, both) = &*started;
                            let mut count = count.lock().unwrap();
                            *count += 1;
                            both.notify_all();
                            while *count < 2 {
                                count = both.wait(count).unwrap();
                            }
                            format!("value {k}")
                        })
                    })
                })
                .collect();
            for handle in threads {
                handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
            }
        });
        verdict(
            result,
            "ex04",
            "both loads were in progress at once",
            |failure| {
                if failure.deadlock {
                    "correct but serial: while key 1 was loading, the load of key 2 could not start. \
                 Your code holds one lock around every load, so one slow key holds up all others. \
                 Hold the map's lock only to find or create the key's own slot, and load under that slot's lock."
                    .to_string()
                } else {
                    failure.message.clone()
                }
            },
        )
    }
}
