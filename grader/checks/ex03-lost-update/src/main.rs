//! The hidden checks of ex03 · Lost update.
//!
//! Three builds of this file run:
//!
//! - the plain build, on real threads: exact counts for 0 to 8 threads, with
//!   the operations counted (a lock taken per addition, a `fetch_add` of 1
//!   per addition, by the threads the function started); a stress run as a
//!   second opinion, beside the count of the racy demo; and the technique
//!   check, which reads the learner's crate (`techniques.rs`);
//! - the shuttle build (`shuttle.rs`): the lock, channel and results
//!   counters under a thousand schedules each (fixed seeds), 2 and 3 threads;
//! - the loom build: the atomic counter under every interleaving up to 2
//!   preemptions, with a counter that narrates every access (`watched.rs`).
//!
//! A stress run alone never judges a lost update: "often" is not "always",
//! and a count that happens to come out right proves nothing.

use kata_harness::say::spaced;
use kata_harness::Verdict;
use std::process::ExitCode;

kata_harness::exercise!();
#[cfg(kata_shuttle)]
mod shuttle;
#[cfg(not(any(kata_shuttle, kata_loom)))]
mod techniques;
#[cfg(kata_loom)]
mod watched;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(any(kata_shuttle, kata_loom)))] {
            "lock-counts" => plain::lock_counts,
                "count_with_lock on real threads: exact for 0 to 8 threads";
            "channel-counts" => plain::channel_counts,
                "count_with_channel on real threads: exact for 0 to 8 threads";
            "results-counts" => plain::results_counts,
                "count_with_results on real threads: exact for 0 to 8 threads";
            "atomic-counts" => plain::atomic_counts,
                "count_with_atomic on real threads: exact for 0 to 8 threads";
            "techniques" => techniques::techniques,
                "each counter uses its own technique (read from your crate's source)";
            "stress" => plain::stress,
                "second opinion: 8 threads × 100 000 on each counter (× 10 000 through the channel), beside the racy demo";
        }
        #[cfg(kata_shuttle)] {
            "model-lock" => shuttle::lock,
                "count_with_lock with 2 and 3 threads: exact under every schedule tried";
            "model-channel" => shuttle::channel,
                "count_with_channel with 2 and 3 threads: exact under every schedule tried";
            "model-results" => shuttle::results,
                "count_with_results with 2 and 3 threads: exact under every schedule tried";
        }
        #[cfg(kata_loom)] {
            "model-atomic" => watched::atomic,
                "count_with_atomic with 2 and 3 threads: exact in every interleaving (loom)";
        }
    })
}

/// `2 threads × 3`, `1 thread × 1 000`.
fn sized(threads: usize, per_thread: u64) -> String {
    let s = if threads == 1 { "" } else { "s" };
    format!("{threads} thread{s} × {}", spaced(per_thread))
}

#[cfg(not(any(kata_shuttle, kata_loom)))]
mod plain {
    use super::*;
    use kata_harness::contention::Scenario;
    use kata_harness::panicking::{is_todo, panic_text};
    use kata_harness::{fail, pass, step_limit, within, Outcome};
    use kata_sync::sync::atomic::{AtomicU64, Ordering};
    use kata_sync::sync::Arc;
    use kata_sync::tally::{self, Tally};
    use target::AtomicCounter;

    /// The counter `count_with_lock` is handed: the facade's `Mutex`, whose
    /// acquisitions are counted, or std's, in a crate that reaches past the
    /// facade (the lint check refuses that crate with the words that teach; the
    /// checks must still build against it, or the learner would read a type
    /// error in code they cannot see).
    trait Lock: Sized + Send + Sync + 'static {
        fn zero() -> Self;
        fn read(&self) -> u64;
        /// Whether its acquisitions are counted.
        const COUNTED: bool;
    }

    impl Lock for kata_sync::sync::Mutex<u64> {
        fn zero() -> Self {
            kata_sync::sync::Mutex::new(0)
        }
        fn read(&self) -> u64 {
            *self.lock().unwrap_or_else(|e| e.into_inner())
        }
        const COUNTED: bool = true;
    }

    impl Lock for std::sync::Mutex<u64> {
        fn zero() -> Self {
            std::sync::Mutex::new(0)
        }
        fn read(&self) -> u64 {
            *self.lock().unwrap_or_else(|e| e.into_inner())
        }
        const COUNTED: bool = false;
    }

    /// Calls `count_with_lock` on a new counter of the type it takes; returns the
    /// count, and whether the acquisitions were counted.
    fn count_with_lock<M: Lock>(
        run: fn(std::sync::Arc<M>, usize, u64),
        threads: usize,
        per_thread: u64,
    ) -> (u64, bool) {
        let counter = std::sync::Arc::new(M::zero());
        run(std::sync::Arc::clone(&counter), threads, per_thread);
        (counter.read(), M::COUNTED)
    }

    /// (threads, increments per thread): none at all, one thread, several,
    /// more threads than cores, and threads with nothing to do.
    const SIZES: [(usize, u64); 6] =
        [(0, 10), (1, 1_000), (2, 50_000), (3, 0), (4, 25_000), (8, 12_500)];
    const STRESS: (usize, u64) = (8, 100_000);
    const ROUNDS: usize = 3;
    const DEMO: (usize, u64) = (4, 250_000);

    /// An operation to make once per addition: what the message calls it,
    /// where the tally keeps it, and why it matters.
    type PerAddition = (&'static str, fn(&Tally) -> u64, &'static str);

    /// One counter, as the checks call it.
    #[derive(Clone, Copy)]
    struct Counter {
        function: &'static str,
        /// Runs it: the count, and whether its operations were counted.
        run: fn(usize, u64) -> (u64, bool),
        /// What to try when the count is off.
        advice: &'static str,
        /// The operation to make once per addition, if it is counted.
        per_addition: Option<PerAddition>,
    }

    /// The counter of `count_with_atomic`: an atomic whose read-modify-writes
    /// are counted on the thread that makes them.
    struct Tallied(AtomicU64);

    impl AtomicCounter for Tallied {
        fn load(&self, order: Ordering) -> u64 {
            self.0.load(order)
        }
        fn store(&self, value: u64, order: Ordering) {
            self.0.store(value, order)
        }
        fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
            tally::read_modify_write();
            self.0.fetch_add(value, order)
        }
    }

    const LOCK: Counter = Counter {
        function: "count_with_lock",
        run: |threads, per_thread| count_with_lock(target::count_with_lock, threads, per_thread),
        advice: "Read, add and write under one lock scope (`*counter.lock().unwrap() += 1`), \
                 and join every thread before returning.",
        per_addition: Some((
            "took the lock",
            |did| did.locks,
            "one lock held across a thread's whole loop counts right, but the threads then take \
             turns instead of interleaving, and the lesson is lost. Take the lock for each \
             addition: `*counter.lock().unwrap() += 1` inside the loop.",
        )),
    };

    const CHANNEL: Counter = Counter {
        function: "count_with_channel",
        run: |threads, per_thread| (target::count_with_channel(threads, per_thread), true),
        advice: "Each worker sends one message per increment, and the owner adds up every \
                 message it receives until the channel is closed.",
        per_addition: None,
    };

    const RESULTS: Counter = Counter {
        function: "count_with_results",
        run: |threads, per_thread| (target::count_with_results(threads, per_thread), true),
        advice: "Each thread returns its own count, and the caller joins every thread and adds \
                 up what each returned.",
        per_addition: None,
    };

    const ATOMIC: Counter = Counter {
        function: "count_with_atomic",
        run: |threads, per_thread| {
            let counter = Arc::new(Tallied(AtomicU64::new(0)));
            target::count_with_atomic(Arc::clone(&counter), threads, per_thread);
            // Ordering: SeqCst, the strongest; the learner's joins are what
            // must make the increments visible here.
            (counter.0.load(Ordering::SeqCst), true)
        },
        advice: "Add with one read-modify-write (`fetch_add`), not a `load` then a `store`, \
                 and join every thread before returning.",
        per_addition: Some((
            "called fetch_add",
            |did| did.read_modify_writes,
            "adding a thread's whole share in one `fetch_add(per_thread)` counts right, but \
             nothing then contends, and the lesson is lost. Add 1 at a time: \
             `counter.fetch_add(1, Ordering::Relaxed)` inside the loop.",
        )),
    };

    impl Counter {
        /// One call on real threads, judged by its count and, where counted,
        /// by what the threads it started did (the caller's own is left out).
        fn scenario(
            self,
            threads: usize,
            per_thread: u64,
        ) -> Scenario<(), (u64, Option<Vec<Tally>>)> {
            let call = format!("{}({})", self.function, sized(threads, per_thread));
            let scenario = Scenario::new(call, || ())
                .thread("caller", move |_, _| {
                    let before = tally::snapshot();
                    let (count, counted) = (self.run)(threads, per_thread);
                    let me = kata_sync::thread::current().id();
                    let started = tally::snapshot().since(&before);
                    let started = started.into_iter().filter(|(id, _)| *id != me);
                    (count, counted.then(|| started.map(|(_, did)| did).collect::<Vec<Tally>>()))
                })
                .judge(move |_, parts| {
                    let (count, started) = &parts[0].result;
                    self.judge(threads, per_thread, *count)?;
                    match started {
                        Some(started) => self.judge_operations(threads, per_thread, started),
                        None => Ok(()),
                    }
                });
            if self.function != "count_with_channel" {
                return scenario;
            }
            scenario.on_hang(
                "a deadlock, a lost wake-up, or a thread that was never joined? A receive loop \
                 ends only when every Sender is gone, the owner's own included: drop the sender \
                 this function keeps (`drop(tx)`) before receiving.",
            )
        }

        /// Fails unless `count` is the exact count.
        fn judge(self, threads: usize, per_thread: u64, count: u64) -> Result<(), Outcome> {
            let want = threads as u64 * per_thread;
            if count == want {
                return Ok(());
            }
            let how = match count < want {
                true => format!("{} updates lost", spaced(want - count)),
                false => format!("{} too many", spaced(count - want)),
            };
            let (call, count, want) = (sized(threads, per_thread), spaced(count), spaced(want));
            let message = format!(
                "{}({call}) counted {count} of {want} ({how}). {}",
                self.function, self.advice
            );
            Err(fail(message).figure("count", count, format!("== {want}")))
        }

        /// Fails unless `threads` threads other than the caller each made
        /// the counted operation, once per addition in all.
        fn judge_operations(
            self,
            threads: usize,
            per_thread: u64,
            started: &[Tally],
        ) -> Result<(), Outcome> {
            let Some((did_it, of, why)) = self.per_addition else {
                return Ok(());
            };
            let want = threads as u64 * per_thread;
            let by: Vec<u64> = started.iter().map(of).filter(|n| *n > 0).collect();
            let call = format!("{}({})", self.function, sized(threads, per_thread));
            if want > 0 && by.len() != threads {
                let n = by.len();
                return Err(fail(format!(
                    "{call} counted right, but {n} thread(s) other than the caller {did_it}, not \
                     {threads}: start `threads` threads and let each add its share."
                ))
                .figure("threads that added", n, format!("== {threads}")));
            }
            let total: u64 = by.iter().sum();
            if total < want {
                let (total, want) = (spaced(total), spaced(want));
                return Err(fail(format!(
                    "{call} counted right, but its threads {did_it} {total} times in all, for \
                     {want} additions: {why}"
                ))
                .figure(did_it, total, format!(">= {want}, one per addition")));
            }
            Ok(())
        }

        fn exact(self) -> Verdict {
            for (threads, per_thread) in SIZES {
                self.scenario(threads, per_thread).stress(1, step_limit())?;
            }
            let sizes: Vec<String> =
                SIZES.iter().map(|(t, p)| format!("{t} × {}", spaced(*p))).collect();
            Ok(pass(format!("exact for {}", sizes.join(", "))))
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

    /// The racy demo's count on real threads, as a line for the report.
    fn racy_demo() -> String {
        let (threads, per_thread) = DEMO;
        let want = threads as u64 * per_thread;
        let counted =
            within(step_limit(), "racy_count", move || target::racy_count(threads, per_thread));
        let Ok(count) = counted else {
            return "The racy demo (`racy_count`) did not finish: leave it as it was given.".into();
        };
        let (each, counted, all) = (spaced(per_thread), spaced(count), spaced(want));
        if count < want {
            format!(
                "The racy demo (`racy_count`, a load then a store, {threads} threads × {each}) counted \
                 {counted} of {all}: {} updates lost. That is the bug your four counters fix.",
                spaced(want - count)
            )
        } else {
            format!(
                "The racy demo (`racy_count`, {threads} threads × {each}) counted {counted} of {all} \
                 this time: no update lost on this run, which proves nothing. Run it again, or read \
                 the model checks' verdicts."
            )
        }
    }

    /// The second opinion: bigger counts, several rounds, every counter in
    /// turn, each within a share of the time (a hang in one leaves the
    /// others theirs). A stub or a panic in one counter does not hide the
    /// others.
    pub fn stress() -> Verdict {
        let demo = racy_demo();
        let deadline = std::time::Instant::now() + step_limit();
        let mut problems = Vec::new();
        for (left, counter) in (1..=4u32).rev().zip([LOCK, CHANNEL, RESULTS, ATOMIC]) {
            // A message costs far more than an addition: a right channel
            // counter (a bounded one, say) must not fail for being slower.
            let per_thread =
                if counter.function == "count_with_channel" { STRESS.1 / 10 } else { STRESS.1 };
            let share = deadline.saturating_duration_since(std::time::Instant::now()) / left;
            let run = || counter.scenario(STRESS.0, per_thread).stress(ROUNDS, share);
            let problem = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
                Ok(Ok(_)) => continue,
                Ok(Err(failed)) => failed.message,
                Err(panic) if is_todo(panic.as_ref()) => {
                    format!("{} is still a stub (its `todo!` ran)", counter.function)
                }
                Err(panic) => {
                    format!("{} panicked: {}", counter.function, panic_text(panic.as_ref()))
                }
            };
            problems.push(problem);
        }
        let Some((first, others)) = problems.split_first() else {
            let (threads, each, fewer) = (STRESS.0, spaced(STRESS.1), spaced(STRESS.1 / 10));
            let passed = format!(
                "all four counters exact, {ROUNDS} rounds of {threads} threads × {each} each \
                 (× {fewer} through the channel)"
            );
            return Ok(pass(passed).detail(demo));
        };
        let told =
            others.iter().fold(fail(first.clone()), |o, other| o.detail(format!("Also: {other}")));
        Err(told.detail(demo))
    }
}
