//! The hidden checks of ex03 · Lost update.
//!
//! Three builds of this file run:
//!
//! - the plain build, on real threads: exact counts for 0 to 8 threads, a
//!   stress run as a second opinion (beside the count of the racy demo that
//!   ships in the exercise, so the learner sees the bug being fixed), and
//!   the technique check, which reads the learner's source file;
//! - the shuttle build (`--cfg kata_shuttle`): the lock, channel and results
//!   counters under a thousand schedules each (fixed seeds), 2 and 3 threads;
//! - the loom build (`--cfg kata_loom`): the atomic counter under every
//!   interleaving up to 2 preemptions, 2 and 3 threads, with a counter that
//!   narrates every access, so a failure reads as a story.
//!
//! A stress run alone never judges a lost update: it shows up often on real
//! threads, but "often" is not "always", and a count that happens to come out
//! right proves nothing. The model checkers are the judges.

use kata_harness::{Check, Verdict};
use std::process::ExitCode;

kata_harness::exercise!();
#[cfg(not(any(kata_shuttle, kata_loom)))]
mod technique;

fn main() -> ExitCode {
    #[cfg(not(any(kata_shuttle, kata_loom)))]
    let checks = [
        Check::new(
            "lock-counts",
            "count_with_lock on real threads: exact for 0 to 8 threads",
            plain::lock_counts,
        ),
        Check::new(
            "channel-counts",
            "count_with_channel on real threads: exact for 0 to 8 threads",
            plain::channel_counts,
        ),
        Check::new(
            "results-counts",
            "count_with_results on real threads: exact for 0 to 8 threads",
            plain::results_counts,
        ),
        Check::new(
            "atomic-counts",
            "count_with_atomic on real threads: exact for 0 to 8 threads",
            plain::atomic_counts,
        ),
        Check::new(
            "techniques",
            "each counter uses its own technique (read from your source file)",
            plain::techniques,
        ),
        Check::new(
            "stress",
            "second opinion: 8 threads × 100 000 on each counter, beside the racy demo",
            plain::stress,
        ),
    ];
    #[cfg(kata_shuttle)]
    let checks = [
        Check::new(
            "model-lock",
            "count_with_lock with 2 and 3 threads: exact under every schedule tried",
            shuttle::lock,
        ),
        Check::new(
            "model-channel",
            "count_with_channel with 2 and 3 threads: exact under every schedule tried",
            shuttle::channel,
        ),
        Check::new(
            "model-results",
            "count_with_results with 2 and 3 threads: exact under every schedule tried",
            shuttle::results,
        ),
    ];
    #[cfg(kata_loom)]
    let checks = [Check::new(
        "model-atomic",
        "count_with_atomic with 2 and 3 threads: exact in every interleaving (loom)",
        loom::atomic,
    )];
    kata_harness::main(&checks)
}

/// `2 threads × 3`, `1 thread × 1 000`.
fn sized(threads: usize, per_thread: u64) -> String {
    let s = if threads == 1 { "" } else { "s" };
    format!("{threads} thread{s} × {}", spaced(per_thread))
}

/// `1 234 567`: big counts, readable.
fn spaced(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(not(any(kata_shuttle, kata_loom)))]
mod plain {
    use super::*;
    use kata_harness::{fail, inconclusive, pass, within, Outcome};
    use kata_sync::sync::atomic::{AtomicU64, Ordering};
    use kata_sync::sync::{Arc, Mutex};
    use std::time::Duration;
    use technique::{Family, Finding, Marker, Rule};

    /// (threads, increments per thread): none at all, one thread, several,
    /// more threads than cores, and threads with nothing to do.
    const SIZES: [(usize, u64); 6] = [
        (0, 10),
        (1, 1_000),
        (2, 50_000),
        (3, 0),
        (4, 25_000),
        (8, 12_500),
    ];
    const LIMIT: Duration = Duration::from_secs(5);

    /// One counter, as the checks call it: threads, per thread -> the count.
    struct Counter {
        function: &'static str,
        run: fn(usize, u64) -> u64,
        /// What to try when the count is off.
        advice: &'static str,
    }

    const LOCK: Counter = Counter {
        function: "count_with_lock",
        run: |threads, per_thread| {
            let counter = Arc::new(Mutex::new(0u64));
            target::count_with_lock(Arc::clone(&counter), threads, per_thread);
            let count = *counter.lock().unwrap_or_else(|e| e.into_inner());
            count
        },
        advice: "Read, add and write under one lock scope (`*counter.lock().unwrap() += 1`), \
                 and join every thread before returning.",
    };

    const CHANNEL: Counter = Counter {
        function: "count_with_channel",
        run: target::count_with_channel,
        advice: "Each worker sends one message per increment, and the owner adds up every \
                 message it receives until the channel is closed.",
    };

    const RESULTS: Counter = Counter {
        function: "count_with_results",
        run: target::count_with_results,
        advice: "Each thread returns its own count, and the caller joins every thread and adds \
                 up what each returned.",
    };

    const ATOMIC: Counter = Counter {
        function: "count_with_atomic",
        run: |threads, per_thread| {
            let counter = Arc::new(AtomicU64::new(0));
            target::count_with_atomic(Arc::clone(&counter), threads, per_thread);
            // Ordering: SeqCst, the strongest; the learner's joins are what
            // must make the increments visible here.
            counter.load(Ordering::SeqCst)
        },
        advice: "Add with one read-modify-write (`fetch_add`), not a `load` then a `store`, \
                 and join every thread before returning.",
    };

    impl Counter {
        /// Runs the counter once, within the time limit.
        fn count(&self, threads: usize, per_thread: u64) -> Result<u64, Outcome> {
            let run = self.run;
            let call = format!("{}({})", self.function, sized(threads, per_thread));
            within(LIMIT, &call, move || run(threads, per_thread)).map_err(|timed_out| {
                if self.function == "count_with_channel" {
                    timed_out.detail(
                        "A receive loop ends only when every Sender is gone, the owner's own \
                         included: drop the sender this function keeps (`drop(tx)`) before receiving.",
                    )
                } else {
                    timed_out
                }
            })
        }

        /// Fails unless `count` is the exact count.
        fn judge(&self, threads: usize, per_thread: u64, count: u64) -> Result<(), Outcome> {
            let want = threads as u64 * per_thread;
            if count == want {
                return Ok(());
            }
            let how = if count < want {
                format!("{} updates lost", spaced(want - count))
            } else {
                format!("{} too many", spaced(count - want))
            };
            Err(fail(format!(
                "{}({}) counted {} of {} ({how}). {}",
                self.function,
                sized(threads, per_thread),
                spaced(count),
                spaced(want),
                self.advice
            ))
            .figure("count", spaced(count), format!("== {}", spaced(want))))
        }

        fn exact(&self) -> Verdict {
            for (threads, per_thread) in SIZES {
                let count = self.count(threads, per_thread)?;
                self.judge(threads, per_thread, count)?;
            }
            Ok(pass(format!(
                "exact for {}",
                SIZES
                    .iter()
                    .map(|(t, p)| format!("{t} × {}", spaced(*p)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }

    pub fn lock_counts() -> Verdict {
        LOCK.exact()
    }

    pub fn channel_counts() -> Verdict {
        CHANNEL.exact()
    }

    pub fn results_counts() -> Verdict {
        RESULTS.exact()
    }

    pub fn atomic_counts() -> Verdict {
        ATOMIC.exact()
    }

    const STRESS: (usize, u64) = (8, 100_000);
    const ROUNDS: usize = 3;
    const DEMO: (usize, u64) = (4, 250_000);

    /// The racy demo's count on real threads, as a line for the report.
    fn racy_demo() -> String {
        let (threads, per_thread) = DEMO;
        let want = threads as u64 * per_thread;
        match within(LIMIT, "racy_count", move || {
            target::racy_count(threads, per_thread)
        }) {
            Ok(count) if count < want => format!(
                "The racy demo (`racy_count`, a load then a store, {threads} threads × {}) counted {} of {}: \
                 {} updates lost. That is the bug your four counters fix.",
                spaced(per_thread),
                spaced(count),
                spaced(want),
                spaced(want - count)
            ),
            Ok(count) => format!(
                "The racy demo (`racy_count`, {threads} threads × {}) counted {} of {} this time: \
                 no update lost on this run, which proves nothing. Run it again, or read the model \
                 checks' verdicts.",
                spaced(per_thread),
                spaced(count),
                spaced(want)
            ),
            Err(_) => "The racy demo (`racy_count`) did not finish: leave it as it was given.".into(),
        }
    }

    /// The second opinion: bigger counts, several rounds, every counter in
    /// turn. A stub or a panic in one counter does not hide the others.
    pub fn stress() -> Verdict {
        let demo = racy_demo();
        let (threads, per_thread) = STRESS;
        let mut problems = Vec::new();
        for counter in [LOCK, CHANNEL, RESULTS, ATOMIC] {
            for _ in 0..ROUNDS {
                let counted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    counter.count(threads, per_thread)
                }));
                let problem = match counted {
                    Ok(Ok(count)) => counter.judge(threads, per_thread, count).err(),
                    Ok(Err(timed_out)) => Some(timed_out),
                    Err(panic) => {
                        let text = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        Some(fail(if text.starts_with("not yet implemented") {
                            format!("{} is still a stub (its `todo!` ran)", counter.function)
                        } else {
                            format!("{} panicked: {text}", counter.function)
                        }))
                    }
                };
                if let Some(problem) = problem {
                    problems.push(problem);
                    break;
                }
            }
        }
        let mut outcome = match problems.first() {
            None => pass(format!(
                "all four counters exact, {ROUNDS} rounds of {threads} threads × {} each",
                spaced(per_thread)
            )),
            Some(first) => {
                let mut outcome = fail(first.message.clone());
                outcome.figures = first.figures.clone();
                for other in &problems[1..] {
                    outcome = outcome.detail(format!("Also: {}", other.message));
                }
                outcome
            }
        };
        outcome = outcome.detail(demo);
        if problems.is_empty() {
            Ok(outcome)
        } else {
            Err(outcome)
        }
    }

    const SPAWN: (&[Marker], &str) = (
        &[Marker::Name("spawn")],
        "it starts no thread (`thread::spawn`)",
    );

    const RULES: [Rule; 4] = [
        Rule {
            function: "count_with_lock",
            version: "the lock version",
            technique: "a lock: every addition made while holding the Mutex it is given",
            requires: &[
                (
                    &[Marker::Method("lock"), Marker::Method("try_lock")],
                    "it never calls `.lock()`",
                ),
                SPAWN,
            ],
            forbids: &[Family::Channel, Family::Atomic],
        },
        Rule {
            function: "count_with_channel",
            version: "the queue version",
            technique:
                "a channel: workers send their increments, and one owner receives and counts them",
            requires: &[
                (
                    &[Marker::Name("channel"), Marker::Name("sync_channel")],
                    "it creates no channel (`mpsc::channel()`)",
                ),
                (
                    &[Marker::Method("send"), Marker::Method("try_send")],
                    "nothing in it sends (`tx.send(1)`)",
                ),
                (
                    &[
                        Marker::Method("recv"),
                        Marker::Method("try_recv"),
                        Marker::Method("recv_timeout"),
                        Marker::Method("iter"),
                        Marker::Method("try_iter"),
                    ],
                    "nothing in it receives (`rx.recv()`)",
                ),
                SPAWN,
            ],
            forbids: &[Family::Lock, Family::Atomic],
        },
        Rule {
            function: "count_with_results",
            version: "the result-aggregation version",
            technique:
                "result aggregation: each thread counts in a variable of its own and returns it, \
                        and the caller joins the threads and adds up",
            requires: &[
                SPAWN,
                (
                    &[Marker::Method("join")],
                    "it never joins a thread to collect what it returned (`handle.join()`)",
                ),
            ],
            forbids: &[Family::Lock, Family::Channel, Family::Atomic],
        },
        Rule {
            function: "count_with_atomic",
            version: "the atomic version",
            technique: "an atomic read-modify-write: `fetch_add` on the counter it is given",
            requires: &[
                (
                    &[Marker::Method("fetch_add")],
                    "it never calls `fetch_add`: a `load` then a `store` is two steps, \
                     and another thread's update can fall between them",
                ),
                SPAWN,
            ],
            forbids: &[Family::Lock, Family::Channel],
        },
    ];

    /// Where the code under test lives: the grader names the file; run by
    /// hand, it is found from this crate.
    fn source_file() -> (String, std::path::PathBuf) {
        let relative = if cfg!(feature = "learner") {
            "exercises/ex03-lost-update/src/lib.rs"
        } else {
            "solutions/ex03-lost-update/src/lib.rs"
        };
        let path = std::env::var_os(kata_harness::protocol::var::SOURCE)
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../..")
                    .join(relative)
            });
        (relative.to_string(), path)
    }

    pub fn techniques() -> Verdict {
        let (shown, path) = source_file();
        let source = match std::fs::read_to_string(&path) {
            Ok(source) => source,
            Err(e) => {
                return Ok(inconclusive(format!(
                    "could not read {shown} to see which technique each counter uses: {e}"
                )))
            }
        };
        let mut stubs = Vec::new();
        let mut problems = Vec::new();
        for rule in &RULES {
            match technique::judge(&source, rule) {
                Finding::Fine => {}
                Finding::Stub => stubs.push(rule.function),
                Finding::Missing(why) | Finding::Problem(why) => problems.push(why),
            }
        }
        if !stubs.is_empty() {
            problems.push(format!(
                "still a stub (each still has its `todo!`): {}. Replace each with your code.",
                stubs.join(", ")
            ));
        }
        let Some(first) = problems.first() else {
            return Ok(pass(format!(
                "read in {shown}: the lock locks, the channel sends and receives, the results are \
                 returned and joined, the atomic uses fetch_add, and none borrows another's technique"
            )));
        };
        let mut outcome = fail(first.clone());
        for other in &problems[1..] {
            outcome = outcome.detail(format!("Also: {other}"));
        }
        Err(outcome.detail(format!(
            "(Read from {shown}: each function's body and what of this file it names.)"
        )))
    }
}

#[cfg(kata_shuttle)]
mod shuttle {
    use super::*;
    use kata_harness::model::verdict;
    use kata_sync::model::{explore, narrate, Explored, Failure};
    use kata_sync::sync::{Arc, Mutex};

    /// Small on purpose: every schedule of a few steps is worth more than a
    /// few schedules of many.
    const SIZES: [(usize, u64); 2] = [(2, 3), (3, 2)];

    /// Explores `run` at each size in turn; the first failure ends it.
    fn each_size(function: &'static str, run: fn(usize, u64) -> u64) -> Result<Explored, Failure> {
        let mut executions = 0;
        let mut how = String::new();
        for (threads, per_thread) in SIZES {
            let explored = explore(move || {
                let want = threads as u64 * per_thread;
                narrate(format!("calls {function}({})", sized(threads, per_thread)));
                let count = run(threads, per_thread);
                narrate(format!("{function} returned; the count is {count}"));
                assert!(
                    count == want,
                    "{function}({}) counted {count} of {want}",
                    sized(threads, per_thread)
                );
            })?;
            executions += explored.executions;
            how = explored.how;
        }
        Ok(Explored { executions, how })
    }

    fn deadlock(failure: &Failure, what: &str) -> String {
        format!(
            "the model checker found a deadlock: every thread was waiting for another. {what} ({})",
            failure.message.lines().next().unwrap_or_default()
        )
    }

    pub fn lock() -> Verdict {
        let result = each_size("count_with_lock", |threads, per_thread| {
            let counter = Arc::new(Mutex::new(0u64));
            target::count_with_lock(Arc::clone(&counter), threads, per_thread);
            let count = *counter.lock().unwrap_or_else(|e| e.into_inner());
            count
        });
        verdict(result, "ex03", "the count was exact", |failure| {
            if failure.deadlock {
                deadlock(
                    failure,
                    "A thread that locks the Mutex while it still holds its guard waits for itself.",
                )
            } else {
                format!(
                    "{} under the schedule below: an update was lost. Between one thread's read of \
                     the count and its write, another thread wrote, and the first write overwrote it. \
                     Read, add and write under one lock scope (`*counter.lock().unwrap() += 1`), not a \
                     read in one scope and a write in the next; and join every thread before returning.",
                    failure.message
                )
            }
        })
    }

    pub fn channel() -> Verdict {
        let result = each_size("count_with_channel", target::count_with_channel);
        verdict(result, "ex03", "the count was exact", |failure| {
            if failure.deadlock {
                deadlock(
                    failure,
                    "The owner waited in `recv` for a message no one would send. A receive loop ends \
                     only when every Sender is gone, the owner's own included: drop the sender this \
                     function keeps (`drop(tx)`) before receiving.",
                )
            } else {
                format!(
                    "{} under the schedule below. Each worker sends one message per increment, and \
                     the owner adds up every message until `recv` fails (every sender gone), not a \
                     fixed number of times or until the channel looks empty.",
                    failure.message
                )
            }
        })
    }

    pub fn results() -> Verdict {
        let result = each_size("count_with_results", target::count_with_results);
        verdict(result, "ex03", "the count was exact", |failure| {
            if failure.deadlock {
                deadlock(failure, "Result aggregation needs no waiting but `join`.")
            } else {
                format!(
                    "{} under the schedule below. Each thread counts in a variable of its own and \
                     returns it; the caller joins every thread and adds up what each returned.",
                    failure.message
                )
            }
        })
    }
}

#[cfg(kata_loom)]
mod loom {
    use super::*;
    use kata_harness::model::verdict;
    use kata_harness::Outcome;
    use kata_sync::model::{explore, narrate, Explored, Failure};
    use kata_sync::sync::atomic::{AtomicU64, Ordering};
    use kata_sync::sync::Arc;
    use kata_sync::thread::{self, ThreadId};
    use std::collections::HashSet;
    use std::sync::Mutex as StdMutex;
    use target::AtomicCounter;

    /// 2 and 3 threads: with 2 preemptions, every interleaving that matters
    /// for a lost update, in well under a second.
    const SIZES: [(usize, u64); 3] = [(2, 2), (2, 3), (3, 2)];

    /// A failure's story is cut after this many lines (a spinning thread
    /// would tell thousands).
    const STORY_LINES: usize = 40;

    /// Executions loom ran: `explore` sees one exhaustive `loom::model`
    /// per call, so the closure counts its own runs for the report.
    static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

    /// The current execution's story, kept here as well as by `narrate`:
    /// when loom finds a deadlock it panics where it cannot unwind, and the
    /// process aborts before `explore` can return the failure. The panic
    /// hook set in `each_size` reports it from this copy first. loom runs
    /// every thread of an execution on one OS thread, so std's Mutex is
    /// never contended and adds no scheduling point.
    static STORY: StdMutex<Vec<String>> = StdMutex::new(Vec::new());

    fn tell(event: String) {
        let who = format!("{:?}", thread::current().id());
        STORY
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(format!("{who}: {event}"));
        narrate(event);
    }

    /// The counter handed to the learner: a loom atomic that narrates every
    /// access and remembers which threads wrote to it.
    struct Watched {
        value: AtomicU64,
        writers: StdMutex<HashSet<ThreadId>>,
    }

    impl Watched {
        fn new() -> Watched {
            Watched {
                value: AtomicU64::new(0),
                writers: StdMutex::new(HashSet::new()),
            }
        }

        fn wrote(&self) {
            self.writers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(thread::current().id());
        }
    }

    impl AtomicCounter for Watched {
        /// Reads with a read-modify-write that adds 0, not a plain load: a
        /// read-modify-write always sees the latest write. So every failure
        /// loom reports here is an interleaving, another thread acting
        /// between a read and a write, which is this exercise's lesson. A
        /// plain load would also let loom return a stale value (it models
        /// even SeqCst as AcqRel), a story for the memory-ordering exercises.
        fn load(&self, order: Ordering) -> u64 {
            let value = self.value.fetch_add(0, order);
            tell(format!("load()          reads {value}"));
            value
        }

        fn store(&self, value: u64, order: Ordering) {
            self.wrote();
            self.value.store(value, order);
            tell(format!("store({value})        writes {value}"));
        }

        fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
            self.wrote();
            let before = self.value.fetch_add(value, order);
            tell(format!(
                "fetch_add({value})    {before} -> {} in one step",
                before + value
            ));
            before
        }
    }

    fn each_size() -> Result<Explored, Failure> {
        let runs = || RUNS.load(std::sync::atomic::Ordering::SeqCst);
        let mut how = String::new();
        for (threads, per_thread) in SIZES {
            let explored = explore(move || {
                RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                STORY.lock().unwrap_or_else(|e| e.into_inner()).clear();
                // `explore` silenced the panic hook; this one stays silent
                // too, except for the deadlock that would abort the process.
                std::panic::set_hook(Box::new(|info| {
                    let payload = info.payload();
                    let text = payload
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    if text.starts_with("deadlock") {
                        report_before_abort(text);
                    }
                }));
                let want = threads as u64 * per_thread;
                let counter = Arc::new(Watched::new());
                tell(format!(
                    "calls count_with_atomic(counter, {})",
                    sized(threads, per_thread)
                ));
                let caller = thread::current().id();
                target::count_with_atomic(Arc::clone(&counter), threads, per_thread);
                // Ordering: SeqCst, the strongest; the learner's joins are
                // what must make the increments visible here.
                let count = counter.value.load(Ordering::SeqCst);
                tell(format!(
                    "count_with_atomic returned; the counter holds {count}"
                ));
                assert!(
                    count == want,
                    "count_with_atomic({}) left the counter at {count} of {want}",
                    sized(threads, per_thread)
                );
                let writers = counter
                    .writers
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                assert!(
                    !writers.contains(&caller),
                    "the calling thread itself updated the counter: start `threads` threads and let each add its share"
                );
                assert!(
                    writers.len() == threads,
                    "{} threads updated the counter, not {threads}: start `threads` threads and let each add its share",
                    writers.len()
                );
            })
            .map_err(|failure| Failure {
                executions: runs(),
                ..readable(failure)
            })?;
            how = explored.how;
        }
        Ok(Explored {
            executions: runs(),
            how,
        })
    }

    /// loom names threads `ThreadId(n)`, with the caller as 0: say "caller"
    /// and "thread n" instead, fold repeated lines and cut a long story.
    fn readable(mut failure: Failure) -> Failure {
        let named = failure.trace.iter().map(|line| {
            let Some((id, event)) = line
                .strip_prefix("ThreadId(")
                .and_then(|rest| rest.split_once("): "))
            else {
                return line.clone();
            };
            if id == "0" {
                format!("caller:   {event}")
            } else {
                format!("thread {id}: {event}")
            }
        });
        let mut folded: Vec<(String, usize)> = Vec::new();
        for line in named {
            match folded.last_mut() {
                Some((last, times)) if *last == line => *times += 1,
                _ => folded.push((line, 1)),
            }
        }
        let total = folded.len();
        failure.trace = folded
            .into_iter()
            .take(STORY_LINES)
            .map(|(line, times)| {
                if times > 1 {
                    format!("{line}   (× {times})")
                } else {
                    line
                }
            })
            .collect();
        if total > STORY_LINES {
            failure
                .trace
                .push(format!("... and {} more steps", total - STORY_LINES));
        }
        failure
    }

    /// The verdict of a failure, in words for this exercise.
    fn judge(result: Result<Explored, Failure>) -> Result<Outcome, Outcome> {
        verdict(result, "ex03", "the count was exact", |failure| {
            let story = failure.trace.join("\n");
            let first_line = failure.message.lines().next().unwrap_or_default();
            if failure.deadlock {
                "loom found a deadlock: every thread was waiting for another. \
                 count_with_atomic needs no lock and no waiting but `join`: each thread adds \
                 its share with `fetch_add` and ends."
                    .to_string()
            } else if failure.message.contains("branches") {
                format!(
                    "loom gave up on an execution that never ended: a thread looping until \
                     another one acts? Each thread only adds its share, then ends. ({first_line})"
                )
            } else if story.contains("load()") && story.contains("store(") {
                format!(
                    "{} in the interleaving below: two threads read the same value, and each wrote \
                     that value + 1, so one update was lost. A `load` followed by a `store` is two \
                     steps, and another thread can act in between. A read-modify-write does both in \
                     one indivisible step: use `counter.fetch_add(1, Ordering::Relaxed)`.",
                    failure.message
                )
            } else if failure.message.contains("left the counter at") {
                format!(
                    "{} in the interleaving below: did every thread finish before count_with_atomic \
                     returned? Join each handle.",
                    failure.message
                )
            } else {
                format!("your code panicked under loom: {}", failure.message)
            }
        })
    }

    /// Sends the deadlock's verdict to the grader from loom's panic hook:
    /// the process would abort right after the hook returns.
    fn report_before_abort(message: String) {
        let trace = std::mem::take(&mut *STORY.lock().unwrap_or_else(|e| e.into_inner()));
        let failure = readable(Failure {
            message,
            deadlock: true,
            replay: "loom".into(),
            trace,
            executions: RUNS.load(std::sync::atomic::Ordering::SeqCst),
        });
        let outcome = match judge(Err(failure)) {
            Ok(outcome) | Err(outcome) => outcome,
        };
        // Sends the verdict and ends the process before loom's abort;
        // run by hand, it prints the verdict instead.
        kata_harness::deliver(outcome)
    }

    pub fn atomic() -> Verdict {
        judge(each_size())
    }
}
