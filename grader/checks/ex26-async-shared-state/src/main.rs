//! The hidden checks of ex26 · Async shared state.
//!
//! - Correctness under real parallelism: 4 threads, each running a
//!   `current_thread` runtime of its own (so the learner's futures need not
//!   be `Send`), share one `Store`; on one thread alone tasks switch only at
//!   an `.await` and a split read and write would never meet. `add` returns
//!   the new value, so the adds to one key must return 1..=n, each once.
//! - What a lock held across `.await` does, on tokio's paused clock (one
//!   thread, exact virtual times): a `tokio` lock held across `fetch` makes
//!   other keys wait (measured), a `std` one deadlocks the only thread (the
//!   run never ends; the message says why). clippy's `await_holding_lock`
//!   names the `std` case before any of this runs (the lint step).
//! - The cost of an async lock where a `std` one is right is timed against a
//!   store of the check's own, A B A B, and reported, never judged.

use futures::future::join_all;
use kata_harness::cpu::{Clock, Plan, Ratio};
use kata_harness::panicking::panic_text;
use kata_harness::service::run_paused;
use kata_harness::{ensure, fail, ms, pass, within, Outcome, Verdict};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;
use tokio::time::{sleep, Instant};

kata_harness::exercise!(Store);

/// Real time a run may take: a right store needs milliseconds.
const REAL_LIMIT: Duration = Duration::from_secs(3);
/// How long the backend's `fetch` waits, on the paused clock.
const FETCH: Duration = Duration::from_millis(100);
/// Tasks, threads, shared keys and rounds of the parallel check.
const TASKS: usize = 100;
const THREADS: usize = 4;
const HOT: usize = 5;
const ROUNDS: usize = 40;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "hundred-tasks" => hundred_tasks,
            "100 tasks on 4 threads add 1 to 5 shared keys and one of their own, 40 times: totals exact, each new value returned once";
        "waiting-holds-nothing" => waiting_holds_nothing,
            "while 8 refreshes wait 100 ms for fetch, get and add of 40 other keys answer at once, and the 8 finish together at 100 ms";
        "refresh-stores" => refresh_stores,
            "refresh calls fetch once with its key, stores and returns its answer; get sees the old value during the fetch, the new one after";
        "edges" => edges,
            "Store::new(0) works as one shard; a missing key is None; add to a missing key starts at 0";
        "lock-cost" => lock_cost,
            "what one add costs against a store of std::sync::Mutex shards, timed in turn (reported, not judged)";
    })
}

/// What the advice about a guard alive at an `.await` says, everywhere.
const HOLD_NOTHING: &str = "Await `fetch` first with nothing locked, then lock the shard just \
    long enough to store the answer.";

/// One thread's tasks: every `add` and what it returned, by key.
type Returned = Vec<(String, u64)>;

fn hundred_tasks() -> Verdict {
    let store = Arc::new(Store::new(8));
    let shared = Arc::clone(&store);
    let returned = within(REAL_LIMIT, "100 tasks adding on 4 threads", move || {
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (store, start) = (Arc::clone(&shared), Arc::clone(&start));
                std::thread::spawn(move || {
                    let rt =
                        tokio::runtime::Builder::new_current_thread().build().expect("runtime");
                    start.wait();
                    rt.block_on(join_all((t..TASKS).step_by(THREADS).map(|task| {
                        let store = &store;
                        async move {
                            let mut got: Returned = Vec::new();
                            for _ in 0..ROUNDS {
                                for k in 0..HOT {
                                    let key = format!("hot{k}");
                                    got.push((key.clone(), store.add(&key, 1).await));
                                }
                                let own = format!("task{task}");
                                got.push((own.clone(), store.add(&own, 1).await));
                                // Let this thread's other tasks in between.
                                tokio::task::yield_now().await;
                            }
                            got
                        }
                    })))
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .flatten()
            .collect::<Returned>()
    })?;
    let mut by_key: HashMap<String, Vec<u64>> = HashMap::new();
    for (key, v) in returned {
        by_key.entry(key).or_default().push(v);
    }
    let ended = block_on(async { (store.get("task7").await, store.get("hot2").await) });
    // A task's own key: its 40 adds ran one after another, so they are plain.
    let own = &by_key["task7"];
    let want: Vec<u64> = (1..=ROUNDS as u64).collect();
    ensure(*own == want, || {
        let how = if own.iter().all(|&v| v == 1) {
            "add sets the key to `delta` instead of adding `delta` to it".to_string()
        } else if own.iter().copied().eq(0..ROUNDS as u64) {
            "add returns the value from before the addition: return the new one".to_string()
        } else if own.windows(2).any(|w| w[1] <= w[0]) {
            "its count went back, as if the key were kept in several places. A key must land in the \
             same shard every time: hash it with one fixed hasher (`DefaultHasher::new()`), not a \
             fresh `RandomState` per call"
                .to_string()
        } else {
            "add must return the key's new value each time".to_string()
        };
        fail(format!(
            "one task added 1 to its own key \"task7\" 40 times and got back {:?}: {how}",
            &own[..own.len().min(6)]
        ))
    })?;
    ensure(ended.0 == Some(ROUNDS as u64), || {
        fail(format!(
            "after 40 adds to \"task7\", get(\"task7\") is {:?}, not Some(40): get must find the key \
             add stored. A key must land in the same shard every time: hash it with one fixed hasher \
             (`DefaultHasher::new()`), not a fresh `RandomState` per call.", ended.0
        ))
    })?;
    let n = (TASKS * ROUNDS) as u64;
    for k in 0..HOT {
        let key = format!("hot{k}");
        let mut values = by_key[&key].clone();
        values.sort_unstable();
        let twice = values.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]);
        ensure(twice.is_none() && values.iter().copied().eq(1..=n), || {
            let lost = n - values.iter().copied().max().unwrap_or(0).min(n);
            fail(match twice {
                Some(v) => format!(
                    "{n} adds of 1 to \"{key}\" from 4 threads: add returned {v} twice, so two adds read \
                     the same old value and one of them was lost ({lost} lost in all). The read, the \
                     addition and the write must be one step under one guard, not a get and then a set."
                ),
                None => format!("{n} adds of 1 to \"{key}\" returned values other than 1 to {n}, each once"),
            })
            .figure(format!("largest value add returned for \"{key}\""), values.last().copied().unwrap_or(0), format!("== {n}"))
        })?;
    }
    ensure(ended.1 == Some(n), || fail(format!("after {n} adds get(\"hot2\") is {:?}", ended.1)))?;
    Ok(pass(format!(
        "100 tasks on 4 threads: each shared key ended at {n}, its adds returned 1 to {n} once each; every task's own key at 40"
    )))
}

/// `fut` on a plain `current_thread` runtime of its own.
fn block_on<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(fut)
}

/// What a paused run that never finished means here.
fn deadlock(o: Outcome) -> Outcome {
    fail(format!(
        "the run never finished, though on the paused clock a 100 ms fetch costs no real time. On this \
         one-thread runtime that is what a `std::sync` lock held across an `.await` does: refresh locked a \
         shard and awaited fetch with the guard alive; the next task to lock that shard blocked the only \
         thread, so the task holding the lock could never run again to release it (a deadlock). {HOLD_NOTHING}"
    ))
    .detail(o.message)
}

/// The backend's answer for `key`.
fn answer(key: &str) -> u64 {
    1000 + key.bytes().map(u64::from).sum::<u64>()
}

/// The backend's `fetch`: counts the calls in flight (and their peak),
/// waits [`FETCH`] on the runtime's clock, answers [`answer`] of the key.
fn backend(
    in_flight: &Arc<Mutex<(usize, usize)>>,
) -> impl Fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = u64>>> {
    let in_flight = Arc::clone(in_flight);
    move |key| {
        let in_flight = Arc::clone(&in_flight);
        Box::pin(async move {
            {
                let mut c = in_flight.lock().unwrap();
                c.0 += 1;
                c.1 = c.1.max(c.0);
            }
            sleep(FETCH).await;
            in_flight.lock().unwrap().0 -= 1;
            answer(&key)
        })
    }
}

fn waiting_holds_nothing() -> Verdict {
    let run = run_paused(REAL_LIMIT, "8 refreshes with 40 gets and adds", || async {
        let store = Store::new(4);
        for j in 0..40u64 {
            store.add(&format!("k{j}"), j).await;
        }
        let in_flight = Arc::new(Mutex::new((0, 0)));
        let (fetch, t0) = (backend(&in_flight), Instant::now());
        let refreshes = join_all((0..8).map(|i| {
            let (store, fetch) = (&store, &fetch);
            async move {
                let key = format!("r{i}");
                let got = store.refresh(&key, fetch).await;
                (key, got, t0.elapsed())
            }
        }));
        let ops = join_all((0..40u64).map(|j| {
            let store = &store;
            async move {
                sleep(ms(5 * j + 5)).await;
                let (key, asked) = (format!("k{j}"), Instant::now());
                let got =
                    if j % 2 == 0 { store.get(&key).await } else { Some(store.add(&key, 1).await) };
                (key, j, got, asked.elapsed())
            }
        }));
        let (refreshed, ops) = futures::join!(refreshes, ops);
        let mut stored = Vec::new();
        for (key, _, _) in &refreshed {
            stored.push(store.get(key).await);
        }
        let peak = in_flight.lock().unwrap().1;
        (refreshed, ops, stored, peak)
    })
    .map_err(deadlock)?;
    let (refreshed, ops, stored, peak) = run.value;
    for (key, j, got, waited) in &ops {
        let op = if j % 2 == 0 { "get" } else { "add" };
        ensure(*waited < ms(1), || {
            fail(format!(
                "{op} of \"{key}\", called {} ms in, while refreshes were waiting for fetch, took {} ms of \
                 virtual time to answer: it waited for a lock that a refresh held across its `.await` on \
                 fetch. A `tokio::sync` lock held across the wait does not deadlock, but every key behind \
                 it waits for the whole fetch. {HOLD_NOTHING}",
                5 * j + 5,
                waited.as_millis()
            ))
        })?;
        let want = if j % 2 == 0 { *j } else { j + 1 };
        ensure(*got == Some(want), || {
            fail(format!("{op} of \"{key}\" gave {got:?}, not Some({want}), while refreshes of other keys ran"))
        })?;
    }
    let last = refreshed.iter().map(|r| r.2).max().unwrap_or_default();
    let report = |o: Outcome| {
        o.figure("last refresh done at", format!("{} ms", last.as_millis()), "≤ 105 ms (one fetch)")
            .figure("fetches waiting at once", peak, "== 8")
    };
    ensure(last <= FETCH + ms(5) && peak == 8, || {
        report(fail(format!(
            "8 refreshes of different keys, each waiting 100 ms for fetch, ended at {} ms, with at most \
             {peak} fetches waiting at once: they ran one after another, so each held a lock that the next \
             one needed across its wait (a lock of the whole store, or of the shard). {HOLD_NOTHING}",
            last.as_millis()
        )))
    })?;
    for ((key, got, _), stored) in refreshed.iter().zip(&stored) {
        ensure(*got == answer(key) && *stored == Some(answer(key)), || {
            fail(format!(
                "refresh(\"{key}\") returned {got}, and get(\"{key}\") then gave {stored:?}; fetch answered {}: \
                 store that answer and return it",
                answer(key)
            ))
        })?;
    }
    Ok(report(pass(
        "every get and add answered at once while 8 fetches waited; the 8 refreshes ended together at 100 ms",
    )))
}

fn refresh_stores() -> Verdict {
    let run = run_paused(REAL_LIMIT, "refresh of a key while it is read", || async {
        let store = Store::new(4);
        store.add("a", 5).await;
        let asked: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let fetch = |key: String| {
            asked.lock().unwrap().push(key.clone());
            async move {
                sleep(FETCH).await;
                if key == "a" {
                    42
                } else {
                    7
                }
            }
        };
        let peek = |key: &'static str| {
            let store = &store;
            async move {
                sleep(FETCH / 2).await;
                store.get(key).await
            }
        };
        let (a, during_a) = futures::join!(store.refresh("a", fetch), peek("a"));
        let after_a = store.get("a").await;
        let (b, during_b) = futures::join!(store.refresh("b", fetch), peek("b"));
        let after_b = (store.get("b").await, store.add("a", 1).await);
        let asked = asked.into_inner().unwrap();
        (a, during_a, after_a, b, during_b, after_b, asked)
    })
    .map_err(deadlock)?;
    let (a, during_a, after_a, b, during_b, after_b, asked) = run.value;
    ensure(asked == ["a", "b"], || {
        fail(format!(
            "refresh(\"a\") and then refresh(\"b\") called fetch with {asked:?}: call it once per refresh, \
             with the refresh's key"
        ))
    })?;
    ensure(during_a == Some(5) && during_b.is_none(), || {
        fail(format!(
            "50 ms into refresh(\"a\") (old value 5), get(\"a\") gave {during_a:?}, and during refresh(\"b\") \
             of a new key get(\"b\") gave {during_b:?}: until the answer is stored, readers must see the old \
             value (Some(5), None). Store nothing before fetch has answered: no placeholder, no removal."
        ))
    })?;
    ensure(a == 42 && after_a == Some(42) && b == 7 && after_b == (Some(7), 43), || {
        fail(format!(
            "fetch answered 42 for \"a\" and 7 for \"b\": refresh returned {a} and {b}; after it returned, \
             get(\"a\") gave {after_a:?}, get(\"b\") {:?}, and add(\"a\", 1) {}. Store fetch's answer before \
             refresh returns, and return it.",
            after_b.0, after_b.1
        ))
    })?;
    Ok(pass("fetch called once per refresh with its key; the old value seen during it, the answer after"))
}

fn edges() -> Verdict {
    let tried = catch_unwind(AssertUnwindSafe(|| {
        run_paused(REAL_LIMIT, "a store of 0 shards", || async {
            let store = Store::new(0);
            (
                store.get("none").await,
                store.add("x", 3).await,
                store.add("x", 4).await,
                store.get("x").await,
            )
        })
    }));
    let got = match tried {
        Ok(run) => run?.value,
        Err(panic) => return Err(fail(format!(
            "Store::new(0), then get and add, panicked: {}. Take 0 shards as 1 (`shards.max(1)`): \
                 a remainder by 0 panics.",
            panic_text(&*panic)
        ))),
    };
    ensure(got == (None, 3, 7, Some(7)), || {
        fail(format!(
            "Store::new(0): get(\"none\") gave {:?} (want None), add(\"x\", 3) to a missing key {} (want 3), \
             add(\"x\", 4) {} (want 7), get(\"x\") {:?} (want Some(7))",
            got.0, got.1, got.2, got.3
        ))
    })?;
    Ok(pass("Store::new(0) works as one shard; a missing key is None; add starts at 0"))
}

/// The yardstick of `lock-cost`: the std-sharded store the chapter shows.
struct StdShards(Vec<Mutex<HashMap<String, u64>>>);

impl StdShards {
    async fn add(&self, key: &str, delta: u64) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        let mut map = self.0[(h.finish() % self.0.len() as u64) as usize].lock().unwrap();
        let v = map.entry(key.to_string()).or_insert(0);
        *v += delta;
        *v
    }
}

fn lock_cost() -> Verdict {
    const ADDS: usize = 4000;
    let ratio = within(REAL_LIMIT * 2, "timing 4,000 adds", || {
        let keys: Vec<String> = (0..50).map(|i| format!("key{i}")).collect();
        let (yours, theirs) =
            (Store::new(8), StdShards((0..8).map(|_| Mutex::default()).collect()));
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let plan = Plan { least: 5, most: 15, budget: Duration::from_millis(800) };
        Ratio::measure(
            Clock::steadiest(),
            plan,
            &[1.5],
            || {
                rt.block_on(async {
                    for i in 0..ADDS {
                        yours.add(&keys[i % 50], 1).await;
                    }
                })
            },
            || {
                rt.block_on(async {
                    for i in 0..ADDS {
                        theirs.add(&keys[i % 50], 1).await;
                    }
                })
            },
        )
    })?;
    let (mine, base) = ratio.best();
    let per = |d: Duration| format!("{:.0} ns", d.as_secs_f64() * 1e9 / ADDS as f64);
    let median = ratio.median();
    let told = if median >= 1.5 {
        format!(
            "your add costs {median:.1}× an add on std::sync::Mutex shards. That is a cost, not a bug: if \
             your shards are `tokio::sync::Mutex` (or `RwLock`), each lock is an async acquire of a \
             semaphore, for a section that never awaits. A `std::sync::Mutex` locked for the one map \
             operation, its guard gone before any `.await`, is right there (tokio's docs say so too)."
        )
    } else {
        format!("your add costs about what an add on std::sync::Mutex shards costs ({median:.2}×)")
    };
    Ok(pass(told)
        .figure("one add, yours", per(mine), "reported")
        .figure("one add, std::sync::Mutex shards", per(base), "reported")
        .detail(ratio.describe(|r| format!("{r:.2}×"))))
}
