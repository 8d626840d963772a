//! The hidden checks of ex12 · Producers, consumers and a poison pill, on
//! the check's own items, producers and `handle` (`kata_harness::consumers`:
//! who handled what, what is still held, slow items, a panic, idle CPU). On
//! real threads for both parts; part 1 under shuttle too (`--cfg kata_shuttle`).

use kata_harness::consumers::Plan;
use kata_harness::{ms, Verdict};
use std::process::ExitCode;

kata_harness::exercise!(run, run_mpmc);

#[cfg(kata_shuttle)]
mod model;
#[cfg(not(kata_shuttle))]
mod plain;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "every-item-once" => plain::once_1,
                "run: 5 staggered producers, 3 consumers, slow items: each item handled once, each result returned";
            "nothing-left-running" => plain::left_1,
                "run: when it returns, every thread it started has ended";
            "a-panic-loses-nothing" => plain::panic_1,
                "run: handle panics on one item; every other item is handled, then the panic reaches the caller";
            "edges" => plain::edges_1,
                "run: 0 consumers panics; no producers, empty producers, more consumers than items";
            "shares-work" => plain::shares_1,
                "run: of a slow and a fast consumer, the fast one handles more items";
            "consumers-wait-asleep" => plain::asleep_1,
                "run: consumers waiting for a late producer use almost no CPU";
            "consumers-as-asked" => plain::as_asked,
                "both parts: handle runs on 2 to `consumers` threads, two at once, never on the caller's";
            "mpmc-every-item-once" => plain::once_2,
                "run_mpmc: 5 staggered producers, 3 consumers, slow items: each item handled once";
            "mpmc-nothing-left-running" => plain::left_2,
                "run_mpmc: when it returns, every thread it started has ended";
            "mpmc-a-panic-loses-nothing" => plain::panic_2,
                "run_mpmc: a panicking handle loses no other item, and the panic reaches the caller";
            "mpmc-edges" => plain::edges_2,
                "run_mpmc: 0 consumers panics; no producers, empty producers, more consumers than items";
            "mpmc-shares-work" => plain::shares_2,
                "run_mpmc: of a slow and a fast consumer, the fast one handles more items";
            "mpmc-consumers-wait-asleep" => plain::asleep_2,
                "run_mpmc: consumers waiting for a late producer use almost no CPU";
        }
        #[cfg(kata_shuttle)] {
            "model-every-item-once" => model::every_item_once,
                "run, 2 producers for 2 consumers and for 1, every schedule: each item handled once, every consumer exits";
            "model-consumers-exit" => model::consumers_exit,
                "run with more consumers than items, and with no items, every schedule: every consumer exits";
        }
    })
}

/// What is said when an item was lost or handled twice.
const ONCE: &str = "Every item must reach exactly one consumer: consumers take from one shared \
                    channel, and stop only on their own pill (part 1: one Stop per consumer, \
                    sent once every producer is joined) or the channel's close (part 2: once \
                    every Sender is dropped), never on an empty try_recv or a timeout.";
