//! The loom build: `count_with_atomic` under every interleaving up to 2
//! preemptions, handed a counter of the check's own that narrates every
//! access and remembers which threads wrote to it, so that a failure reads
//! as a story.

use super::*;
use kata_harness::model::{explore, verdict};
use kata_sync::model::{narrate, Explored, Failure};
use kata_sync::sync::atomic::{AtomicU64, Ordering};
use kata_sync::sync::Arc;
use kata_sync::thread::{self, ThreadId};
use std::collections::HashSet;
use std::sync::Mutex as StdMutex;
use target::AtomicCounter;

/// 2 and 3 threads: with 2 preemptions, every interleaving that matters
/// for a lost update, in well under a second.
const SIZES: [(usize, u64); 3] = [(2, 2), (2, 3), (3, 2)];

/// The counter handed to the learner: a loom atomic that narrates every
/// access and remembers which threads wrote to it. loom runs every thread
/// of an execution on one OS thread, so the std mutex is never contended
/// and adds no scheduling point.
struct Watched {
    value: AtomicU64,
    writers: StdMutex<HashSet<ThreadId>>,
}

impl Watched {
    fn wrote(&self) {
        self.writers.lock().unwrap_or_else(|e| e.into_inner()).insert(thread::current().id());
    }

    /// What the counter holds, read the way `load` reads (see there).
    fn latest(&self) -> u64 {
        // Ordering: SeqCst, the strongest; the learner's joins are what must
        // make the increments visible here.
        self.value.fetch_add(0, Ordering::SeqCst)
    }
}

impl AtomicCounter for Watched {
    /// Reads with a read-modify-write that adds 0, not a plain load: a
    /// read-modify-write always sees the latest write. So every failure
    /// loom reports here is an interleaving, another thread acting between
    /// a read and a write, which is this exercise's lesson. A plain load
    /// would also let loom return a stale value (it models even SeqCst as
    /// AcqRel), a story for the memory-ordering exercises. The check's own
    /// final read is one too.
    fn load(&self, order: Ordering) -> u64 {
        let value = self.value.fetch_add(0, order);
        narrate(format!("load()          reads {value}"));
        value
    }

    /// Writes with a swap, a read-modify-write, not a plain store: a plain
    /// store may take its place in the counter's order of writes before
    /// writes that happened earlier in the story (loom models that too), and
    /// the story would end "the counter holds 3" right after a thread wrote
    /// 2. A swap is always the latest write, so the story is what happened.
    fn store(&self, value: u64, order: Ordering) {
        self.wrote();
        self.value.swap(value, order);
        narrate(format!("store({value})        writes {value}"));
    }

    fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        self.wrote();
        let before = self.value.fetch_add(value, order);
        narrate(format!("fetch_add({value})    {before} -> {} in one step", before + value));
        before
    }
}

fn each_size() -> Result<Explored, Failure> {
    let mut executions = 0;
    let mut how = String::new();
    for (threads, per_thread) in SIZES {
        let explored = explore(
            move || {
                let want = threads as u64 * per_thread;
                let counter = Arc::new(Watched {
                    value: AtomicU64::new(0),
                    writers: StdMutex::new(HashSet::new()),
                });
                narrate(format!(
                    "calls count_with_atomic(counter, {})",
                    sized(threads, per_thread)
                ));
                let caller = thread::current().id();
                target::count_with_atomic(Arc::clone(&counter), threads, per_thread);
                let count = counter.latest();
                narrate(format!("count_with_atomic returned; the counter holds {count}"));
                assert!(
                    count == want,
                    "count_with_atomic({}) left the counter at {count} of {want}",
                    sized(threads, per_thread)
                );
                let writers = counter.writers.lock().unwrap_or_else(|e| e.into_inner()).clone();
                assert!(
                    !writers.contains(&caller),
                    "the calling thread itself updated the counter: start `threads` threads and let each add its share"
                );
                assert!(
                    writers.len() == threads,
                    "{} threads updated the counter, not {threads}: start `threads` threads and let each add its share",
                    writers.len()
                );
            },
            explain,
        )?;
        executions += explored.executions;
        how = explored.how;
    }
    Ok(Explored { executions, how })
}

/// A failure, in words for this exercise.
fn explain(failure: &Failure) -> String {
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
}

pub fn atomic() -> Verdict {
    verdict(each_size(), "the count was exact", explain)
}
