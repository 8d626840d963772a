//! The shuttle build: the lock, channel and results counters under a
//! thousand schedules each (fixed seeds), 2 and 3 threads.

use super::*;
use kata_harness::model::{explore_each, verdict, Explain};
use kata_sync::model::{narrate, Failure};
use kata_sync::sync::{Arc, Mutex};

/// Small on purpose: every schedule of a few steps is worth more than a
/// few schedules of many.
const SIZES: [(usize, u64); 2] = [(2, 3), (3, 2)];

/// Explores `run` at each size: the count must be exact.
fn exact(
    function: &'static str,
    run: fn(usize, u64) -> u64,
    explain: impl Explain + Clone,
) -> Verdict {
    let result = explore_each(&SIZES, explain.clone(), move |(threads, per_thread)| {
        let want = threads as u64 * per_thread;
        narrate(format!("calls {function}({})", sized(threads, per_thread)));
        let count = run(threads, per_thread);
        narrate(format!("{function} returned; the count is {count}"));
        let size = sized(threads, per_thread);
        assert!(count == want, "{function}({size}) counted {count} of {want}");
    });
    verdict(result, "the count was exact", explain)
}

fn deadlock(failure: &Failure, what: &str) -> String {
    format!(
        "the model checker found a deadlock: every thread was waiting for another. {what} ({})",
        failure.message.lines().next().unwrap_or_default()
    )
}

pub fn lock() -> Verdict {
    let run = |threads, per_thread| {
        let counter = Arc::new(Mutex::new(0u64));
        kata_sync::watch::name_locks_in(&*counter, "the counter");
        target::count_with_lock(Arc::clone(&counter), threads, per_thread);
        kata_sync::watch::quiet();
        let count = *counter.lock().unwrap_or_else(|e| e.into_inner());
        count
    };
    exact("count_with_lock", run, |failure| match failure.deadlock {
        true => deadlock(
            failure,
            "A thread that locks the Mutex while it still holds its guard waits for itself.",
        ),
        false => format!(
            "{} under the schedule below: an update was lost. Between one thread's read of \
             the count and its write, another thread wrote, and the first write overwrote it. \
             Read, add and write under one lock scope (`*counter.lock().unwrap() += 1`), not a \
             read in one scope and a write in the next; and join every thread before returning.",
            failure.message
        ),
    })
}

pub fn channel() -> Verdict {
    exact("count_with_channel", target::count_with_channel, |failure| match failure.deadlock {
        true => deadlock(
            failure,
            "The owner waited in `recv` for a message no one would send. A receive loop ends \
             only when every Sender is gone, the owner's own included: drop the sender this \
             function keeps (`drop(tx)`) before receiving.",
        ),
        false => format!(
            "{} under the schedule below. Each worker sends one message per increment, and \
             the owner adds up every message until `recv` fails (every sender gone), not a \
             fixed number of times or until the channel looks empty.",
            failure.message
        ),
    })
}

pub fn results() -> Verdict {
    exact("count_with_results", target::count_with_results, |failure| match failure.deadlock {
        true => deadlock(failure, "Result aggregation needs no waiting but `join`."),
        false => format!(
            "{} under the schedule below. Each thread counts in a variable of its own and \
             returns it; the caller joins every thread and adds up what each returned.",
            failure.message
        ),
    })
}
