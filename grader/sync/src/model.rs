//! Exploring the interleavings of a test, and explaining the one that fails.
//!
//! [`explore`] runs a closure under the model checker of this build:
//!
//! - shuttle: fixed seeds, first with the random scheduler, then with PCT
//!   (which deliberately delays threads at a few chosen points, good at
//!   ordering bugs). Each execution gets its own seed, so a failure is
//!   replayed exactly by naming it: `random-17`, `pct-4`.
//! - loom: every interleaving up to a preemption bound of 2 (exhaustive
//!   within the bound, so no seed is needed: the token is `loom`).
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
    let current = crate::thread::current();
    let who = match current.name() {
        Some(name) => name.to_string(),
        None => format!("{:?}", current.id()),
    };
    let mut trace = TRACE.lock().unwrap_or_else(|e| e.into_inner());
    trace.push(format!("{who}: {}", event.as_ref()));
}

/// Runs `test` under every schedule this build's checker tries, or only the
/// one named by the `KATA_REPLAY` environment variable when it is set.
pub fn explore<F>(test: F) -> Result<Explored, Failure>
where
    F: Fn() + Send + Sync + 'static,
{
    let test = std::sync::Arc::new(test);
    // A token names a schedule of one checker (`random-17` and `pct-4` are
    // shuttle's, `loom` is loom's); the other checker's build explores as
    // usual.
    let replay = std::env::var("KATA_REPLAY")
        .ok()
        .filter(|r| is_own_token(r));
    let runs = schedules(replay.as_deref());
    let mut executions = 0;
    for token in &runs {
        executions += 1;
        let test = std::sync::Arc::clone(&test);
        TRACE.lock().unwrap_or_else(|e| e.into_inner()).clear();
        // Silence the default hook while exploring: failures are expected
        // and reported below, not printed as backtraces.
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_one(token, move || test())));
        panic::set_hook(previous);
        // loom explores many executions within one token.
        if let Ok(ran) = &outcome {
            executions += ran.saturating_sub(1);
        }
        if let Err(payload) = outcome {
            let message = original_message(&payload_text(payload.as_ref()));
            let trace = std::mem::take(&mut *TRACE.lock().unwrap_or_else(|e| e.into_inner()));
            return Err(Failure {
                deadlock: message.to_lowercase().contains("deadlock"),
                message,
                replay: token.clone(),
                trace,
                executions,
            });
        }
    }
    Ok(Explored {
        executions,
        how: description(replay.as_deref()),
    })
}

/// Shuttle reports a panic inside a test as "test panicked in task 'x'"
/// followed by "original panic: <message>"; the message is what teaches.
fn original_message(text: &str) -> String {
    match text.split_once("original panic: ") {
        Some((_, original)) => original.trim().to_string(),
        None => text.trim().to_string(),
    }
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
    token == "loom"
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

/// Runs the schedule named by `token`; returns how many executions ran.
#[cfg(kata_shuttle)]
fn run_one(token: &str, test: impl Fn() + Send + Sync + 'static) -> u64 {
    use shuttle::scheduler::{PctScheduler, RandomScheduler};
    use shuttle::{Config, FailurePersistence, Runner};
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None;
    config.silence_warnings = true;
    let (kind, seed) = token.split_once('-').unwrap_or((token, "0"));
    let seed: u64 = seed.parse().unwrap_or(0);
    let ran = match kind {
        "pct" => Runner::new(PctScheduler::new_from_seed(seed, PCT_DEPTH, 1), config).run(test),
        "random" => Runner::new(RandomScheduler::new_from_seed(seed, 1), config).run(test),
        other => panic!("kata: unknown schedule `{other}`: replay a token the grader printed, like random-17 or pct-4"),
    };
    u64::try_from(ran).unwrap_or(u64::MAX)
}

#[cfg(kata_loom)]
fn schedules(_replay: Option<&str>) -> Vec<String> {
    vec!["loom".to_string()]
}

#[cfg(kata_loom)]
fn description(_replay: Option<&str>) -> String {
    format!("loom, every interleaving up to {LOOM_PREEMPTION_BOUND} preemptions")
}

/// Explores every execution within the bound; returns how many ran.
#[cfg(kata_loom)]
fn run_one(_token: &str, test: impl Fn() + Send + Sync + 'static) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static RAN: AtomicU64 = AtomicU64::new(0);
    RAN.store(0, Ordering::Relaxed);
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(LOOM_PREEMPTION_BOUND);
    builder.check(move || {
        // Ordering: a plain tally read after `check` returns, on this thread.
        RAN.fetch_add(1, Ordering::Relaxed);
        TRACE.lock().unwrap_or_else(|e| e.into_inner()).clear();
        test()
    });
    RAN.load(Ordering::Relaxed)
}
