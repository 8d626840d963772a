//! The hidden checks of ex23 · Sliding-window rate limiter. Every answer of
//! `try_acquire` is compared with the check's own sliding log, on the
//! contract's edges and on seeded arbitrary arrivals (shrunk when one
//! fails); the bytes the limiter holds after 200,000 calls are counted by the
//! check's allocator; `acquire` runs on tokio's paused clock, its grants
//! timed exactly and its polls counted; shuttle (`--cfg kata_shuttle`) races
//! threads at one instant.

use kata_harness::{fail, Verdict};
use std::collections::VecDeque;
use std::process::ExitCode;
use std::time::Duration;
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

/// The check's sliding log, on milliseconds from the run's first instant:
/// the contract, computed.
struct Log {
    rate: usize,
    window: u64,
    grants: VecDeque<u64>,
    latest: u64,
    /// Every grant made, for the messages.
    all: Vec<u64>,
}

impl Log {
    fn new(rate: usize, window: u64) -> Log {
        Log { rate, window, grants: VecDeque::new(), latest: 0, all: Vec::new() }
    }

    /// The answer at `t` (taken as the latest instant given, if earlier).
    fn grant(&mut self, t: u64) -> bool {
        let t = t.max(self.latest);
        self.latest = t;
        while self.grants.front().is_some_and(|&g| g + self.window <= t) {
            self.grants.pop_front();
        }
        let free = self.grants.len() < self.rate;
        if free {
            self.grants.push_back(t);
            self.all.push(t);
        }
        free
    }
}

/// Milliseconds, as the messages write instants: "at 99 ms".
fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
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

/// The instant `t` ms after `t0`.
fn at(t0: Instant, t: u64) -> Instant {
    t0 + ms(t)
}
