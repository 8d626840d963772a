//! The hidden checks of ex12 · Producers, consumers and a poison pill. The
//! items are the check's own ([`Ledger`]): each records the thread that
//! handled it, or that it was dropped unhandled; producers are the check's
//! iterators, starting late and sending at their own pace (and counted as
//! held until dropped, as the handle is, to see threads left running); its `handle` is
//! slow on some items (or on one thread), and panics on purpose where a check says so. On real
//! threads for both parts; part 1 under shuttle too (`--cfg kata_shuttle`).

use kata_harness::consumers::{Held, Item, Ledger, Token};
use kata_harness::contention::pause;
use kata_harness::{ms, Verdict};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

kata_harness::exercise!(run, run_mpmc);

#[cfg(kata_shuttle)]
mod model;
#[cfg(not(kata_shuttle))]
mod plain;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "every-item-once" => plain::once_1,
                "run: 4 staggered producers, 3 consumers, slow items: each item handled once, each result returned";
            "nothing-left-running" => plain::left_1,
                "run: when it returns, every thread it started has ended";
            "a-panic-loses-nothing" => plain::panic_1,
                "run: handle panics on one item; every other item is handled, then the panic reaches the caller";
            "edges" => plain::edges_1,
                "run: 0 consumers panics; no producers, empty producers, more consumers than items";
            "shares-work" => plain::shares_1,
                "run: of a slow and a fast consumer, the fast one handles more items";
            "consumers-as-asked" => plain::as_asked,
                "both parts: handle runs on at most `consumers` threads, more than one, never the caller's";
            "mpmc-every-item-once" => plain::once_2,
                "run_mpmc: 4 staggered producers, 3 consumers, slow items: each item handled once";
            "mpmc-nothing-left-running" => plain::left_2,
                "run_mpmc: when it returns, every thread it started has ended";
            "mpmc-a-panic-loses-nothing" => plain::panic_2,
                "run_mpmc: a panicking handle loses no other item, and the panic reaches the caller";
            "mpmc-edges" => plain::edges_2,
                "run_mpmc: 0 consumers panics; no producers, empty producers, more consumers than items";
            "mpmc-shares-work" => plain::shares_2,
                "run_mpmc: of a slow and a fast consumer, the fast one handles more items";
        }
        #[cfg(kata_shuttle)] {
            "model-every-item-once" => model::every_item_once,
                "run, 2 producers of 2 and 1 items, 2 consumers, every schedule: each item handled once, every consumer exits";
            "model-consumers-exit" => model::consumers_exit,
                "run with more consumers than items, and with no items, every schedule: every consumer exits";
        }
    })
}

/// What `handle` is handed, and what `run` gets to call it with.
pub type Handler = Box<dyn Fn(Item) -> u64 + Send + Sync>;
/// A producer's plan: how many items, how long before its first, and the
/// pause before each.
#[derive(Clone, Copy)]
pub struct Plan(pub u32, pub Duration, pub Duration);

/// The check's producer: an iterator of its items, taking its time.
pub struct Producer {
    ids: std::ops::Range<u32>,
    ledger: Arc<Ledger>,
    plan: Plan,
    _held: Option<Token>,
    begun: bool,
}

impl Iterator for Producer {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        if !std::mem::replace(&mut self.begun, true) {
            pause(self.plan.1);
        }
        let id = self.ids.next()?;
        pause(self.plan.2);
        Some(self.ledger.item(id))
    }
}

/// The producers of `plans` (producer `p` sends `1000 p + 1` on) and the
/// ids each sends, in order.
fn producers(
    plans: &[Plan],
    ledger: &Arc<Ledger>,
    held: Option<&Arc<Held>>,
) -> (Vec<Producer>, Vec<Vec<u32>>) {
    let make = |(p, &plan): (usize, &Plan)| {
        let ids = 1000 * p as u32 + 1..1000 * p as u32 + 1 + plan.0;
        let (ledger, _held, sent) = (Arc::clone(ledger), held.map(Held::token), ids.clone().collect());
        (Producer { ids, ledger, plan, _held, begun: false }, sent)
    };
    plans.iter().enumerate().map(make).unzip()
}

/// What `handle` returns for item `id`: the check knows each result.
fn result_of(id: u32) -> u64 {
    u64::from(id) * 3 + 1
}

/// What is said when an item was lost or handled twice.
const ONCE: &str = "Every item must reach exactly one consumer: consumers take from one shared \
                    channel, and stop only on their own pill (part 1: one Stop per consumer, \
                    sent once every producer is joined) or the channel's close (part 2: once \
                    every Sender is dropped), never on an empty try_recv.";
