//! The model build: shuttle picks who runs at every send, receive and lock,
//! for part 1 (crossbeam has no model).

use super::*;
use kata_harness::consumers::{judge_results, producers, result_of, Handle, Ledger};
use kata_harness::model::{after_tag, by_tag, explore_each, verdict};
use kata_sync::model::{narrate, Failure};

/// Producers of `counts` items each and `consumers` consumers through
/// `run`, judged once it returns.
fn pipeline((counts, consumers): (&'static [u32], usize)) {
    let ledger = Ledger::new();
    let plans: Vec<Plan> = counts.iter().map(|&n| Plan(n, ms(0), ms(0))).collect();
    let (producers, sent) = producers(&plans, &ledger, None);
    let handle: Handle = Box::new(|item| {
        narrate(format!("handles item {}", item.id()));
        result_of(item.handle())
    });
    let results = run(producers, consumers, handle);
    narrate(format!("run returns {} results", results.len()));
    judge_results(&ledger, &sent, &results).unwrap_or_else(|why| panic!("ONCE: {why}"));
}

fn explain(failure: &Failure) -> String {
    let once = format!("{}. {ONCE}", after_tag(failure, "ONCE: "));
    let stuck = "every thread left was blocked for ever, so run never returned: a consumer \
                 waits in recv for a message that never comes. Send one Stop per consumer (one \
                 in all stops only the first to take it), after joining every producer; and \
                 do not wait on a channel that a Sender you still hold keeps open.";
    by_tag(failure, &[("ONCE", &*once)], stuck)
}

/// `cases` explored, each judged by [`pipeline`]; `said` on a pass.
fn judged(cases: &[(&'static [u32], usize)], said: &str) -> Verdict {
    verdict(explore_each(cases, explain, pipeline), said, explain)
}

pub fn every_item_once() -> Verdict {
    let said = "each item was handled once and run returned (2 producers for 2 consumers, and 1)";
    judged(&[(&[2, 1], 2), (&[0, 1], 1)], said)
}

pub fn consumers_exit() -> Verdict {
    let said = "with 1 item for 3 consumers, and with no items, every consumer exited and returned";
    judged(&[(&[1, 0], 3), (&[], 2)], said)
}
