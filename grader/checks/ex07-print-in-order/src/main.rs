//! The hidden checks of ex07 · Print in order.
//!
//! Two builds of this file run. The plain build starts real threads, in
//! every order of arrival and some time apart, and logs which closure ran
//! when (`kata_harness::turns`); it also reads the CPU time of a thread that
//! waits for its turn. The model build (`--cfg kata_shuttle`) is the judge
//! of the interleavings: shuttle tries a thousand schedules per scenario
//! (fixed seeds), the facade's `Condvar` wakes waiters spuriously, and
//! `thread::sleep` only lets others run, so a sleep orders nothing.

use kata_harness::turns::{first_break, Turns};
use kata_harness::Verdict;
use std::process::ExitCode;

kata_harness::exercise!(Alternate, InOrder);

#[cfg(not(kata_shuttle))]
mod plain;

#[cfg(kata_shuttle)]
mod model;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "in-order-any-arrival" => plain::in_order_any_arrival,
                "the 3 threads arriving in each of the 6 orders: first, second, third run in order, once each";
            "alternate-strictly" => plain::alternate_strictly,
                "foo and bar for n = 0, 1, 2, 5, 50, bar's thread started first in some: n of each, strictly alternating";
            "waits-asleep" => plain::waits_asleep,
                "third(), called before first(), uses almost no CPU while it waits for its turn";
        }
        #[cfg(kata_shuttle)] {
            "model-in-order" => model::in_order,
                "the 3 threads started in each of the 6 orders: first, second, third in every schedule, no sleeps";
            "model-notify-all" => model::notify_all,
                "third and second asleep before first() is called: both woken in turn in every schedule";
            "model-alternate" => model::alternate,
                "foo and bar for n = 1 and 3, either thread started first: strict alternation in every schedule";
        }
    })
}

/// The 6 orders in which the threads calling first (0), second (1) and
/// third (2) arrive.
#[rustfmt::skip]
const ARRIVALS: [[usize; 3]; 6] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/// The wanted order of `InOrder`.
const IN_ORDER: [&str; 3] = ["first", "second", "third"];

/// Calls `InOrder`'s method number `which` (0, 1, 2) with a closure that
/// hands its name to `ran`.
fn call(order: &InOrder, which: usize, ran: &(dyn Fn(&'static str) + Sync)) {
    let who = IN_ORDER[which];
    let f = || ran(who);
    match which {
        0 => order.first(f),
        1 => order.second(f),
        _ => order.third(f),
    }
}

/// The lesson of a closure that ran before its turn.
fn went_early(what: &str) -> String {
    format!(
        "{what}. A thread went before its turn: either it did not wait for the turn at all, or \
         it waited behind an `if`. A return from `wait` only means \"look again\" (it may be \
         a spurious wake-up, or the notify that handed the turn to another thread): wait in a \
         `while` loop that checks the turn under the lock, and run the closure only once the \
         turn is yours."
    )
}
