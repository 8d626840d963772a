//! The hidden checks of ex26 · Async shared state. Correctness on real
//! threads (4, each with a one-thread runtime, so futures need not be
//! `Send`); a lock held across `.await` on the paused clock (a `tokio` one
//! makes other keys wait, a `std` one deadlocks the only thread); the cost
//! of an async lock where a `std` one is right, timed A B A B and reported.

use futures::future::join_all;
use kata_harness::cpu::{Clock, Plan, Ratio};
use kata_harness::measure::Gauge;
use kata_harness::panicking::panic_text;
use kata_harness::service::{on_runtimes, run_paused};
use kata_harness::tally::tally;
use kata_harness::{ensure, fail, ms, pass, within, Outcome, Verdict};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;
use std::{collections::HashMap, future::Future, process::ExitCode, sync::Arc, sync::Mutex};
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
const ROUNDS: usize = 400;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "hundred-tasks" => hundred_tasks,
            "100 tasks on 4 threads add 1 to 5 shared keys and one of their own, 400 times: totals exact, each new value returned once";
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

const HOLD_NOTHING: &str =
    "Await `fetch` first with nothing locked, then lock the shard just long enough to store the answer.";

/// A run whose threads took fewer turns than this on a shared key is weak
/// evidence against a lost update (`kata_harness::tally`): run it again.
const MIN_TURNS: usize = 100;

fn hundred_tasks() -> Verdict {
    let mut turns = 0;
    for _ in 0..5 {
        turns = turns.max(hundred_tasks_once()?);
        if turns >= MIN_TURNS {
            break;
        }
    }
    let n = TASKS * ROUNDS;
    let told =
        format!("each shared key's {n} adds returned 1 to {n} once; own keys got to {ROUNDS}");
    Ok(pass(told).figure("turns between threads on a shared key", turns, "reported"))
}

/// One run of the 100 tasks: the fewest turns between threads on a shared key.
fn hundred_tasks_once() -> Result<usize, Outcome> {
    let store = Arc::new(Store::new(8));
    let shared = Arc::clone(&store);
    // Thread `t` runs tasks t, t + 4, ...: 25 tasks on each of 4 runtimes.
    let returned = on_runtimes(THREADS, REAL_LIMIT, "100 tasks adding on 4 threads", move |t| {
        let store = Arc::clone(&shared);
        async move {
            let tasks = (t..TASKS).step_by(THREADS).map(|task| {
                let store = &store;
                async move {
                    // Keys 0..HOT are shared; key HOT is this task's own.
                    let keys: Vec<String> = (0..HOT)
                        .map(|k| format!("hot{k}"))
                        .chain([format!("task{task}")])
                        .collect();
                    let mut got = vec![Vec::with_capacity(ROUNDS); keys.len()];
                    for _ in 0..ROUNDS {
                        for (k, key) in keys.iter().enumerate() {
                            got[k].push(store.add(key, 1).await);
                        }
                        // Let this thread's other tasks in between.
                        tokio::task::yield_now().await;
                    }
                    got
                }
            });
            join_all(tasks).await
        }
    })?;
    // returned[t][i][k]: what task t + 4i got from its adds to key k.
    let own = &returned[7 % THREADS][7 / THREADS][HOT];
    let ended = block_on(store.get("task7"));
    ensure(own.iter().copied().eq(1..=ROUNDS as u64) && ended == Some(ROUNDS as u64), || {
        let how = if own.iter().all(|&v| v == 1) {
            "add sets the key to `delta` instead of adding `delta` to it"
        } else if own.iter().copied().eq(0..ROUNDS as u64) {
            "add returns the value from before the addition: return the new one"
        } else {
            "the count went back or got lost, as if the key were kept in several places. A key must \
             land in the same shard every time: hash it with one fixed hasher \
             (`DefaultHasher::new()`), not a fresh `RandomState` per call"
        };
        fail(format!(
            "one task added 1 to its own key \"task7\" {ROUNDS} times and got back {:?}..., then get \
             gave {ended:?}: {how}",
            &own[..own.len().min(6)]
        ))
    })?;
    let n = (TASKS * ROUNDS) as u64;
    let mut fewest = usize::MAX;
    for k in 0..HOT {
        let by_thread: Vec<Vec<u64>> = returned
            .iter()
            .map(|tasks| tasks.iter().flat_map(|got| got[k].clone()).collect())
            .collect();
        let t = tally(&by_thread, n);
        ensure(t.exact, || {
            fail(match t.repeated {
                Some(v) => format!(
                    "{n} adds of 1 to \"hot{k}\" from 4 threads: add returned {v} twice, so two adds read \
                     the same old value and one of them was lost. The read, the addition and the write \
                     must be one step under one guard, not a get and then a set."
                ),
                None => format!("{n} adds of 1 to \"hot{k}\" returned values other than 1 to {n}, each once"),
            })
        })?;
        fewest = fewest.min(t.turns);
    }
    Ok(fewest)
}

/// `fut` on a plain `current_thread` runtime of its own.
fn block_on<T>(fut: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(fut)
}

/// The value of the paused run that `make` builds, or what it means that
/// it never ended.
fn paused<T: Send + 'static, Fut: Future<Output = T>>(
    what: &str,
    make: impl FnOnce() -> Fut + Send + 'static,
) -> Result<T, Outcome> {
    run_paused(REAL_LIMIT, what, make).map(|run| run.value).map_err(|o| {
        fail(format!(
            "the run never finished, though on the paused clock a 100 ms fetch costs no real time. On \
             this one-thread runtime, that is most often a `std::sync` lock held across an `.await`: refresh awaited \
             fetch with a shard's guard alive, the next task to lock that shard blocked the only thread, \
             and the holder never ran again to release it (a deadlock). {HOLD_NOTHING}"
        ))
        .detail(o.message)
    })
}

fn waiting_holds_nothing() -> Verdict {
    let (refreshed, ops, peak) = paused("8 refreshes with 40 gets and adds", || async {
        let store = Store::new(4);
        for j in 0..40u64 {
            store.add(&format!("k{j}"), j).await;
        }
        let (fetching, t0) = (Gauge::new(), Instant::now());
        let refreshes = join_all((0..8).map(|i| {
            let (store, fetching) = (&store, &fetching);
            async move {
                let fetch = |key: String| async move {
                    let _in = fetching.enter();
                    sleep(FETCH).await;
                    key.len() as u64
                };
                store.refresh(&format!("r{i}"), fetch).await;
                t0.elapsed()
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
        (refreshed, ops, fetching.peak())
    })?;
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
    let last = refreshed.iter().max().copied().unwrap_or_default();
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
    Ok(report(pass("every get and add answered at once while 8 fetches waited, ending at 100 ms")))
}

fn refresh_stores() -> Verdict {
    let (a, b, plus_one, asked) = paused("refresh of a key while it is read", || async {
        let store = Store::new(4);
        store.add("a", 5).await;
        let asked: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let fetch = |key: String| {
            asked.lock().unwrap().push(key.clone());
            async move {
                sleep(FETCH).await;
                [7, 42][usize::from(key == "a")]
            }
        };
        // refresh(key), a get 50 ms into it, and a get once it returned.
        let phase = |key: &'static str| {
            let (store, fetch) = (&store, &fetch);
            async move {
                let during = async {
                    sleep(FETCH / 2).await;
                    store.get(key).await
                };
                let (got, during) = futures::join!(store.refresh(key, fetch), during);
                (got, during, store.get(key).await)
            }
        };
        let (a, b) = (phase("a").await, phase("b").await);
        (a, b, store.add("a", 1).await, asked.into_inner().unwrap())
    })?;
    ensure(asked == ["a", "b"], || {
        fail(format!("refresh(\"a\"), then refresh(\"b\"), called fetch with {asked:?}: once each, with its key"))
    })?;
    ensure(a.1 == Some(5) && b.1.is_none(), || {
        fail(format!(
            "50 ms into refresh(\"a\") (old value 5), get(\"a\") gave {:?}, and during refresh(\"b\") of \
             a new key get(\"b\") gave {:?}: until the answer is stored, readers must see the old value \
             (Some(5), None). Store nothing before fetch has answered: no placeholder, no removal.",
            a.1, b.1
        ))
    })?;
    ensure(a.0 == 42 && a.2 == Some(42) && b.0 == 7 && b.2 == Some(7) && plus_one == 43, || {
        fail(format!(
            "fetch answered 42 for \"a\" and 7 for \"b\": refresh returned {} and {}; after it returned, \
             get(\"a\") gave {:?}, get(\"b\") {:?}, and add(\"a\", 1) {plus_one}. Store fetch's answer \
             before refresh returns, and return it.",
            a.0, b.0, a.2, b.2
        ))
    })?;
    Ok(pass("fetch called once per refresh with its key; the old value seen during it, the answer after"))
}

fn edges() -> Verdict {
    let tried = catch_unwind(AssertUnwindSafe(|| {
        block_on(async {
            let store = Store::new(0);
            let (x3, x4) = (store.add("x", 3).await, store.add("x", 4).await);
            [store.get("none").await, Some(x3), Some(x4), store.get("x").await]
        })
    }));
    let got = tried.map_err(|panic| {
        let said = panic_text(&*panic);
        fail(format!("Store::new(0), then get and add, panicked: {said}. Take 0 shards as 1 (`shards.max(1)`)"))
    })?;
    ensure(got == [None, Some(3), Some(7), Some(7)], || {
        fail(format!(
            "Store::new(0), then get(\"none\"), add(\"x\", 3), add(\"x\", 4) and get(\"x\") gave {got:?}, \
             not [None, Some(3), Some(7), Some(7)]: a missing key is None, and add to it starts from 0"
        ))
    })?;
    Ok(pass("Store::new(0) works as one shard; a missing key is None; add starts at 0"))
}

/// The yardstick of `lock-cost`: the std-sharded store the chapter shows.
struct StdShards(Vec<Mutex<HashMap<String, u64>>>);

impl StdShards {
    async fn add(&self, key: &str, delta: u64) -> u64 {
        let shard =
            &self.0[(BuildHasherDefault::<DefaultHasher>::default().hash_one(key) % 8) as usize];
        let mut map = shard.lock().unwrap();
        let v = map.entry(key.to_string()).or_insert(0);
        *v += delta;
        *v
    }
}

const ADDS: usize = 4000;

async fn adds<'a, F: Future<Output = u64>>(keys: &'a [String], add: impl Fn(&'a str) -> F) {
    for key in keys.iter().cycle().take(ADDS) {
        add(key).await;
    }
}

fn lock_cost() -> Verdict {
    let ratio = within(REAL_LIMIT * 2, "timing 4,000 adds", || {
        let keys: Vec<String> = (0..50).map(|i| format!("key{i}")).collect();
        let (yours, theirs) =
            (Store::new(8), StdShards((0..8).map(|_| Mutex::default()).collect()));
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        // Each side: 4,000 adds over 50 keys, one task, nothing contended.
        let yours = || rt.block_on(adds(&keys, |k| yours.add(k, 1)));
        let theirs = || rt.block_on(adds(&keys, |k| theirs.add(k, 1)));
        let plan = Plan { least: 5, most: 15, budget: ms(800) };
        Ratio::measure(Clock::steadiest(), plan, &[1.5], yours, theirs)
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
