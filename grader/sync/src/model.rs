//! Exploring the interleavings of a test, and explaining the one that fails.
//!
//! [`explore`] runs a closure under the model checker of this build:
//!
//! - shuttle: fixed seeds, first with the random scheduler, then with PCT
//!   (which deliberately delays threads at a few chosen points, good at
//!   ordering bugs). Each execution gets its own seed, so a failure is
//!   replayed exactly by naming it: `random-17`, `pct-4`.
//! - loom: every interleaving up to a preemption bound of 2, exhaustive
//!   within the bound and deterministic: the same code is explored in the
//!   same order every time, so the `n`-th interleaving tried names one
//!   schedule, `loom-7`. Replaying it runs the search again up to it (the
//!   ones before pass, silently) and stops there. (loom's own checkpoint
//!   file, `LOOM_CHECKPOINT_FILE`, would start at the schedule directly, but
//!   it needs loom's `checkpoint` feature and a file that outlives the
//!   check's scratch directory, and its JSON is too long to print as a
//!   token.)
//!
//! Checks call [`narrate`] from the instruments they hand to learner code
//! ("loads key 7"); when an execution fails, those lines, each prefixed with
//! the thread that did it, are the story of the failing interleaving.
//!
//! The closure signals a failure by panicking with a message; a deadlock is
//! found by the checker itself.

use std::panic::{self, AssertUnwindSafe};

/// How many threads sleep in a `Condvar` wait right now (shuttle only).
#[cfg(kata_shuttle)]
pub use crate::modelled::{asleep, sleeps};
use std::sync::Mutex as StdMutex;

/// How many shuttle executions with each scheduler. Measured: a 2-thread
/// check-then-act race is found in ~1.5 random executions (worst seen: 6).
pub const RANDOM_EXECUTIONS: u64 = 500;
pub const PCT_EXECUTIONS: u64 = 500;
/// PCT's bug depth: how many ordering constraints a bug may need.
pub const PCT_DEPTH: usize = 3;
/// loom's preemption bound: 2 keeps 2-3 threads fast (0.23 s measured,
/// against 512 s unbounded with 4 threads) and finds the classic bugs.
pub const LOOM_PREEMPTION_BOUND: usize = 2;

/// The story of the current execution, one line per narrated event.
/// Model checkers run every thread of an execution on one OS thread, so a
/// std mutex here is never contended.
static TRACE: StdMutex<Vec<String>> = StdMutex::new(Vec::new());

/// What [`explore`] found when every schedule passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explored {
    /// How many executions (schedules) were tried.
    pub executions: u64,
    /// The checker and how it searched, for the report.
    pub how: String,
}

/// A schedule under which the test failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What went wrong: the test's panic message, or the checker's deadlock
    /// report.
    pub message: String,
    /// Whether the checker found a deadlock (every thread blocked).
    pub deadlock: bool,
    /// Pass this to `kata check --replay` to run this very schedule again.
    pub replay: String,
    /// The narrated events of the failing execution, in order.
    pub trace: Vec<String>,
    /// How many executions ran, the failing one included.
    pub executions: u64,
}

/// Starts a named thread of the model checker: [`narrate`] tells the story
/// of each thread by its name ("thread A: asks for key 7").
pub fn spawn_named<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> crate::thread::JoinHandle<T> {
    crate::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .expect("the model checker starts threads")
}

/// Records an event of the current execution, with the name of the thread
/// that did it (threads without a name are called by their id).
pub fn narrate(event: impl AsRef<str>) {
    let who = thread_name();
    let mut trace = TRACE.lock().unwrap_or_else(|e| e.into_inner());
    trace.push(format!("{who}: {}", event.as_ref()));
}

/// The current thread's name in a story: its own, else `caller` for the
/// thread that runs the test and `thread 1`, `thread 2`, ... for the others,
/// numbered by the checker in the order they were started.
pub fn thread_name() -> String {
    let current = crate::thread::current();
    if let Some(name) = current.name() {
        if name != "main-thread" {
            return name.to_string();
        }
    }
    match thread_number(current.id()) {
        Some(0) => "caller".to_string(),
        Some(n) => format!("thread {n}"),
        None => format!("{:?}", current.id()),
    }
}

#[cfg(kata_shuttle)]
fn thread_number(id: crate::thread::ThreadId) -> Option<usize> {
    Some(usize::from(id))
}

/// loom says only `ThreadId(n)`.
#[cfg(kata_loom)]
fn thread_number(id: crate::thread::ThreadId) -> Option<usize> {
    format!("{id:?}").strip_prefix("ThreadId(")?.strip_suffix(')')?.parse().ok()
}

/// The story of the current execution so far (for a check that must report
/// from where `explore` cannot return: loom's deadlock aborts the process).
pub fn story() -> Vec<String> {
    TRACE.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// How many executions this process has run so far, the current one
/// included: the number a failure reports.
pub fn executions_so_far() -> u64 {
    // Ordering: a tally of this thread's own runs (every execution runs on
    // the thread that called `explore`).
    RAN.load(std::sync::atomic::Ordering::Relaxed)
}

/// The first panic of the running execution, in its own words. A learner's
/// panic can unwind through a lock (under shuttle a guard's drop is a
/// scheduling point) into another thread, where one of the checker's own
/// assertions may fire; the panic that escapes is then the checker's
/// ([`INTERNAL`]), and the first one is what teaches.
static FIRST_PANIC: StdMutex<Option<String>> = StdMutex::new(None);

/// Shuttle's assertions about its own condvar bookkeeping: they fire only
/// after a thread has already panicked, and say nothing about the code.
const INTERNAL: [&str; 3] = [
    "should not have been woken while in Waiting status",
    "should be waiting",
    "should be a pending signal",
];

/// Executions run by this process, over every call of [`explore`].
static RAN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What every execution starts with: a new story, no counts, no locks held.
fn begin_execution() {
    RAN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    TRACE.lock().unwrap_or_else(|e| e.into_inner()).clear();
    *FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = None;
    crate::tally::reset();
    crate::watch::reset();
}

/// Runs `test` under every schedule this build's checker tries, or only the
/// one named by the `KATA_REPLAY` environment variable when it is set.
pub fn explore<F>(test: F) -> Result<Explored, Failure>
where
    F: Fn() + Send + Sync + 'static,
{
    let test = std::sync::Arc::new(test);
    // A token names a schedule of one checker (`random-17` and `pct-4` are
    // shuttle's, `loom-7` is loom's); the other checker's build explores as
    // usual. A token of neither is a mistake, said as one.
    let replay = std::env::var(REPLAY).ok();
    if let Some(token) = replay.as_deref().filter(|t| !is_token(t)) {
        return Err(Failure {
            message: format!(
                "kata: `{token}` names no schedule: replay a token that a failure printed, \
                 like random-17, pct-4 or loom-7"
            ),
            deadlock: false,
            replay: token.to_string(),
            trace: Vec::new(),
            executions: 0,
        });
    }
    let replay = replay.filter(|r| is_own_token(r));
    let first = executions_so_far();
    for token in schedules(replay.as_deref()) {
        let test = std::sync::Arc::clone(&test);
        // Silence the default hook while exploring: failures are expected
        // and reported below, not printed as backtraces. The hook only keeps
        // the execution's first panic (see `FIRST_PANIC`).
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|info| {
            let mut first = FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert_with(|| payload_text(info.payload()));
        }));
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            run_one(&token, move || {
                begin_execution();
                test()
            })
        }));
        // A learner's panic that unwinds through its own lock under shuttle
        // (a guard's drop is a scheduling point) can leave this OS thread
        // counted as panicking, and then `set_hook` would panic in turn and
        // bury the failure: the silent hook is left in place instead.
        if !std::thread::panicking() {
            panic::set_hook(previous);
        }
        if let Err(payload) = outcome {
            let first_panic = FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
            let message = teaching(escaped_or_first(&payload_text(payload.as_ref()), first_panic));
            let trace = std::mem::take(&mut *TRACE.lock().unwrap_or_else(|e| e.into_inner()));
            return Err(Failure {
                deadlock: message.to_lowercase().contains("deadlock"),
                message,
                replay: failing_token(&token),
                trace,
                executions: executions_so_far() - first,
            });
        }
    }
    Ok(Explored { executions: executions_so_far() - first, how: description(replay.as_deref()) })
}

/// Where the grader puts the schedule to replay.
const REPLAY: &str = "KATA_REPLAY";

/// Whether `token` names a schedule of either checker.
fn is_token(token: &str) -> bool {
    let numbered = |prefix: &str| {
        token
            .strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    numbered("random-") || numbered("pct-") || numbered("loom-")
}

/// Shuttle reports a panic inside a test as "test panicked in task 'x'"
/// followed by "original panic: <message>"; the message is what teaches.
fn original_message(text: &str) -> String {
    match text.split_once("original panic: ") {
        Some((_, original)) => original.trim().to_string(),
        None => text.trim().to_string(),
    }
}

/// The message of the panic that ended a failing execution: the escaped
/// one, unless it is one of the checker's [`INTERNAL`] assertions and an
/// earlier panic was seen.
fn escaped_or_first(escaped: &str, first: Option<String>) -> String {
    let escaped = original_message(escaped);
    match first {
        Some(first) if INTERNAL.contains(&escaped.as_str()) => original_message(&first),
        _ => escaped,
    }
}

/// What the checkers say when a schedule never ends: shuttle's step bound,
/// loom's branch bound.
const ENDLESS: [&str; 2] = ["exceeded max_steps bound", "exceeded maximum number of branches"];

/// The checker's own words for a schedule that never ended are about the
/// checker; what they mean is about the learner's code, and that is said.
fn teaching(message: String) -> String {
    let lower = message.to_lowercase();
    if !ENDLESS.iter().any(|words| lower.contains(words)) {
        return message;
    }
    "a thread looped without ever blocking until the model checker gave up on the schedule \
     (a million steps): a loop that waits by looking again and again (at a flag, an atomic, a \
     Mutex it re-locks, with `yield_now`, `spin_loop` or nothing in between) instead of \
     sleeping. The checker may keep the thread it waits for from running at all, so the loop \
     never ends. Wait on a `Condvar` (the state under its `Mutex`) and let the other thread \
     notify, or block in a channel's `recv`."
        .to_string()
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-text payload".into())
}

#[cfg(kata_shuttle)]
fn is_own_token(token: &str) -> bool {
    token.starts_with("random-") || token.starts_with("pct-")
}

#[cfg(kata_loom)]
fn is_own_token(token: &str) -> bool {
    token.starts_with("loom-")
}

/// A shuttle schedule is its token; a loom failure is the execution that
/// failed, counted over the whole process.
#[cfg(kata_shuttle)]
fn failing_token(token: &str) -> String {
    token.to_string()
}

#[cfg(kata_loom)]
fn failing_token(_token: &str) -> String {
    format!("loom-{}", executions_so_far())
}

#[cfg(kata_shuttle)]
fn schedules(replay: Option<&str>) -> Vec<String> {
    match replay {
        Some(token) => vec![token.to_string()],
        None => (0..RANDOM_EXECUTIONS)
            .map(|seed| format!("random-{seed}"))
            .chain((0..PCT_EXECUTIONS).map(|seed| format!("pct-{seed}")))
            .collect(),
    }
}

#[cfg(kata_shuttle)]
fn description(replay: Option<&str>) -> String {
    match replay {
        Some(token) => format!("shuttle, replaying schedule {token}"),
        None => format!(
            "shuttle, {RANDOM_EXECUTIONS} random schedules + {PCT_EXECUTIONS} PCT schedules (depth {PCT_DEPTH}), fixed seeds"
        ),
    }
}

/// Runs the schedule named by `token`.
#[cfg(kata_shuttle)]
fn run_one(token: &str, test: impl Fn() + Send + Sync + 'static) {
    use shuttle::scheduler::{PctScheduler, RandomScheduler};
    use shuttle::{Config, FailurePersistence, Runner};
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None;
    config.silence_warnings = true;
    let (kind, seed) = token.split_once('-').unwrap_or((token, "0"));
    let seed: u64 = seed.parse().unwrap_or(0);
    match kind {
        "pct" => Runner::new(PctScheduler::new_from_seed(seed, PCT_DEPTH, 1), config).run(test),
        "random" => Runner::new(RandomScheduler::new_from_seed(seed, 1), config).run(test),
        other => panic!("kata: unknown schedule `{other}`: replay a token the grader printed, like random-17 or pct-4"),
    };
}

#[cfg(kata_loom)]
fn schedules(replay: Option<&str>) -> Vec<String> {
    vec![replay.unwrap_or("loom").to_string()]
}

#[cfg(kata_loom)]
fn description(replay: Option<&str>) -> String {
    match replay {
        Some(token) => format!(
            "loom, replaying schedule {token} (loom searches in one order, so the ones before it ran too, and passed)"
        ),
        None => format!("loom, every interleaving up to {LOOM_PREEMPTION_BOUND} preemptions"),
    }
}

/// Explores every execution within the bound, or, replaying `loom-n`, the
/// executions of this process up to the `n`-th.
#[cfg(kata_loom)]
fn run_one(token: &str, test: impl Fn() + Send + Sync + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(LOOM_PREEMPTION_BOUND);
    if let Some(last) = token.strip_prefix("loom-").and_then(|n| n.parse::<u64>().ok()) {
        let left = last.saturating_sub(executions_so_far());
        if left == 0 {
            return; // the schedule was an earlier exploration's
        }
        // loom stops before its execution `max_permutations` when it looks
        // every `checkpoint_interval` executions: look at every one.
        builder.checkpoint_interval = 1;
        builder.max_permutations = Some(usize::try_from(left + 1).unwrap_or(usize::MAX));
    }
    builder.check(test);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{Arc, Mutex};

    /// `explore` keeps one story, one count and one watch for the process:
    /// the tests that explore take turns.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn alone() -> std::sync::MutexGuard<'static, ()> {
        ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[test]
    fn a_schedule_that_never_ends_is_told_as_a_spin() {
        for checker in [
            "exceeded max_steps bound 1000000. this might be caused by an unfair schedule",
            "Model exceeded maximum number of branches. This is often caused by spin locks",
        ] {
            let told = teaching(checker.to_string());
            assert!(told.contains("looped without ever blocking") && told.contains("Condvar"));
        }
        assert_eq!(teaching("counted 3 of 4".into()), "counted 3 of 4");
    }

    #[test]
    fn the_checkers_own_assertion_gives_way_to_the_first_panic() {
        let internal = "test panicked in task 'main-thread'\noriginal panic: should be waiting";
        assert_eq!(escaped_or_first(internal, Some("writer alone".into())), "writer alone");
        assert_eq!(escaped_or_first(internal, None), "should be waiting");
        // Any other escaped panic is the one told, even after an earlier one.
        assert_eq!(escaped_or_first("deadlock! blocked", Some("x".into())), "deadlock! blocked");
    }

    #[test]
    fn tokens_are_each_checkers_numbered_schedules() {
        for token in ["random-0", "pct-17", "loom-7"] {
            assert!(is_token(token), "{token}");
        }
        for token in ["loom", "random-", "pct-x", "seven", "loom-7 "] {
            assert!(!is_token(token), "{token}");
        }
    }

    #[test]
    fn named_locks_are_told_and_counted() {
        let _alone = alone();
        let explored = explore(|| {
            let account = Arc::new(Mutex::new(5));
            crate::watch::name_locks_in(&*account, "account 1");
            let other = Arc::clone(&account);
            let worker = spawn_named("thread A", move || *other.lock().unwrap() += 1);
            worker.join().unwrap();
            let story = story();
            assert!(
                story.contains(&"thread A: locks account 1".to_string())
                    && story.contains(&"thread A: unlocks account 1".to_string()),
                "{story:?}"
            );
            assert_eq!(account.times_locked(), 1);
            assert_eq!(crate::tally::snapshot().since(&Default::default()).len(), 1);
        })
        .unwrap();
        assert!(explored.executions >= 1);
    }

    /// loom aborts the process on a deadlock: shuttle only.
    #[cfg(kata_shuttle)]
    #[test]
    fn a_deadlock_says_who_holds_what_and_waits_for_what() {
        let _alone = alone();
        let failure = explore(|| {
            let one = Arc::new(Mutex::new(0));
            let two = Arc::new(Mutex::new(0));
            crate::watch::name_locks_in(&*one, "account 1");
            crate::watch::name_locks_in(&*two, "account 2");
            let (a1, a2) = (Arc::clone(&one), Arc::clone(&two));
            let a = spawn_named("thread A", move || {
                let _first = a1.lock().unwrap();
                let _second = a2.lock().unwrap();
            });
            let b = spawn_named("thread B", move || {
                let _first = two.lock().unwrap();
                let _second = one.lock().unwrap();
            });
            a.join().unwrap();
            b.join().unwrap();
        })
        .unwrap_err();
        assert!(failure.deadlock, "{failure:?}");
        assert!(failure.replay.starts_with("random-"), "{}", failure.replay);
        let waits = crate::watch::waits();
        let said: Vec<_> = waits
            .iter()
            .map(|w| (w.who.as_str(), w.holds.clone(), w.wants.as_str(), w.holder.as_deref()))
            .collect();
        assert_eq!(
            said,
            [
                ("thread A", vec!["account 1".to_string()], "account 2", Some("thread B")),
                ("thread B", vec!["account 2".to_string()], "account 1", Some("thread A")),
            ]
        );
    }
}
