//! The loom build: each scenario, 2 or 3 threads, in every interleaving up
//! to loom's preemption bound.

use super::scenarios as s;
use kata_harness::contention::Scenario;
use kata_harness::lockfree::explore_all;
use kata_harness::model::verdict;
use kata_harness::Verdict;
use kata_sync::model::Failure;

/// A failure, in words for this exercise: the scenario's own message says
/// what happened and what to do; the checker's own findings are told here.
fn explain(failure: &Failure) -> String {
    if failure.deadlock {
        return "loom found every thread blocked: none of these tools waits for another \
                thread, so a lock held across a call (or never unlocked) is likely. Use atomics."
            .into();
    }
    if failure.message.contains("looped without ever blocking") {
        return "a thread looped until loom gave up on the schedule: a compare-exchange loop \
                that can never succeed? When compare_exchange fails, retry with the value it \
                returned (the state now), not the one you read before, and leave the loop once \
                the range is used up."
            .into();
    }
    if failure.message.contains("overflow") {
        return format!(
            "your code panicked under loom: {}. At the top of the range the state must stop at \
             `limit`, not go on to `limit + 1` (which is past u64::MAX when limit is u64::MAX).",
            failure.message
        );
    }
    failure.message.clone()
}

/// Explores `all`, then the verdict: `passed` held "in every one".
fn judged<S: Send + Sync + 'static, R: Send + 'static>(
    all: &[Scenario<S, R>],
    passed: &str,
) -> Verdict {
    verdict(explore_all(all, explain), passed, explain)
}

pub fn ids() -> Verdict {
    let max = u64::MAX;
    let all = [s::ids(2, 2, 0, 3), s::ids(3, 1, 0, 2), s::ids(2, 2, max - 1, max)];
    judged(&all, "no id twice, none outside its range, all handed out before a None")
}

pub fn progress() -> Verdict {
    let all = [s::progress(&[&[1, 2], &[3]], 1, 2)];
    judged(&all, "done() exact at the end, never falling, never ahead")
}

pub fn stop() -> Verdict {
    let all = [s::stop(1, 1, 2), s::stop(2, 0, 0), s::stop(2, 1, 1)];
    judged(&all, "one stop won, and every thread that saw it saw its reason and its data")
}
