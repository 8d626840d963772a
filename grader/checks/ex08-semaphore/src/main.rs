//! The hidden checks of ex08 · A semaphore of your own: on real threads, holders counted
//! by the check's own gauge; under shuttle (`--cfg kata_shuttle`), every interleaving, with
//! a `Condvar` that wakes spuriously and times out on a clock of its own.

use kata_harness::Verdict;
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(Semaphore, Permit);

#[cfg(kata_shuttle)]
mod model;
#[cfg(not(kata_shuttle))]
mod plain;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "counts" => plain::counts,
                "available() follows acquires and drops; try_acquire and acquire_timeout say None at 0";
            "peak-is-k" => plain::peak_is_k,
                "8 threads, 3 permits: never more than 3 holders at once, and 3 at once reached";
            "released-on-panic" => plain::released_on_panic,
                "a thread that panics holding a permit gives it back as it unwinds";
            "waiting-sleeps" => plain::waiting_sleeps,
                "a thread blocked in acquire uses almost no CPU, and a drop releases it";
            "linearizable" => plain::linearizable,
                "3 real threads calling acquire, try_acquire, available and dropping: every history has a sequential order";
        }
        #[cfg(kata_shuttle)] {
            "model-no-lost-wake-up" => model::no_lost_wake_up,
                "2 threads blocked in acquire, 1 permit given back: both get it in turn, in every schedule";
            "model-peak-bounded" => model::peak_bounded,
                "3 threads, 2 permits, every way to acquire: never 3 holders at once, in every schedule";
            "model-timeout-on-time" => model::timeout_on_time,
                "on the model's clock, acquire_timeout(100 ms) at 0 permits gives up at 100 ms";
            "model-timeout-takes-returned" => model::timeout_takes_returned,
                "a permit given back before the deadline is taken by acquire_timeout, in every schedule";
        }
    })
}

/// What an acquire returned, as a story or a history tells it.
fn some(permit: &Option<Permit<'_>>) -> &'static str {
    ["None", "a permit"][usize::from(permit.is_some())]
}
