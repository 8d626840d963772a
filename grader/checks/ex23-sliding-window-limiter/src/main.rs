//! The hidden checks of ex23 · Sliding-window rate limiter: answers against
//! the check's own sliding log (edges; seeded arrivals, shrunk), bytes held
//! (the check's allocator counts), `acquire` on the paused clock (exact
//! grants, polls counted); shuttle (`--cfg kata_shuttle`) races threads.

use kata_harness::{fail, ms, Verdict};
use std::process::ExitCode;
use tokio::time::Instant;

kata_harness::exercise!(SlidingWindow);

#[cfg(not(kata_shuttle))]
mod exact;
#[cfg(kata_shuttle)]
mod model;
#[cfg(not(kata_shuttle))]
mod paused;

#[global_allocator]
static ALLOCATOR: kata_harness::allocs::Counting = kata_harness::allocs::Counting;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "contract-edges" => exact::edges,
                "equal instants, a grant exactly one window later, a fixed window's boundary, time going back, new(0, _) and new(_, 0)";
            "matches-the-log" => exact::matches_the_log,
                "on 1,200 seeded arrival sequences every answer equals the sliding log's: never more than rate in a window, never a refusal with a slot free";
            "memory-bounded" => exact::memory_bounded,
                "after 200,000 calls the limiter holds O(rate) bytes, not a log of every grant";
            "acquire-exact" => paused::acquire_exact,
                "on the paused clock, waiters in uneven bursts are granted at exactly the earliest instants, asleep (polls counted)";
            "acquire-cancelled" => paused::acquire_cancelled,
                "an acquire dropped by a timeout takes no slot";
        }
        #[cfg(kata_shuttle)] {
            "model-never-over" => model::never_over,
                "2 or 3 threads call try_acquire at one instant: never more than rate granted, never a free slot refused, in every schedule";
        }
    })
}

/// `SlidingWindow::new`, with a panic turned into a failure that says so.
fn limiter(rate: usize, window: u64) -> Result<SlidingWindow, kata_harness::Outcome> {
    let made = std::panic::catch_unwind(|| SlidingWindow::new(rate, ms(window)));
    made.map_err(|_| {
        fail(format!(
            "SlidingWindow::new({rate}, {window} ms) panicked: only a rate of 0 or a zero window may"
        ))
    })
}
