//! The model build: shuttle picks who runs at every send, receive and lock,
//! for part 1 (crossbeam has no model).

use super::*;
use kata_harness::consumers::{producers, result_of, Handle, Ledger};
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
    ledger.judge(&sent).unwrap_or_else(|why| panic!("ONCE: {why}"));
    let total: usize = sent.iter().map(Vec::len).sum();
    let n = results.len();
    assert!(n == total, "RESULTS: {n} results for {total} items, each handled once");
}

fn explain(failure: &Failure) -> String {
    let once = format!("{}. {ONCE}", after_tag(failure, "ONCE: "));
    let results = format!(
        "{}: return what handle returned, once per item, gathered from each consumer as you \
         join it.",
        after_tag(failure, "RESULTS: ")
    );
    let stuck = "every thread left was blocked for ever, so run never returned: a consumer \
                 waits in recv for a message that never comes. Send one Stop per consumer (one \
                 in all stops only the first to take it), after joining every producer; and \
                 do not wait on a channel that a Sender you still hold keeps open.";
    by_tag(failure, &[("ONCE", &*once), ("RESULTS", &*results)], stuck)
}

pub fn every_item_once() -> Verdict {
    let cases: &[(&'static [u32], usize)] = &[(&[2, 1], 2)];
    let explored = explore_each(cases, explain, pipeline);
    verdict(explored, "each of the 3 items was handled once and run returned", explain)
}

pub fn consumers_exit() -> Verdict {
    let cases: &[(&'static [u32], usize)] = &[(&[1, 0], 3), (&[], 2)];
    let explored = explore_each(cases, explain, pipeline);
    verdict(
        explored,
        "with 1 item for 3 consumers, and with no items, every consumer exited and run returned",
        explain,
    )
}
