//! The hidden checks of ex16 · Atomics. Two builds of this file run:
//!
//! - the plain build (`plain.rs`): every edge of the three contracts on one
//!   thread, then the scenarios on real threads, as a second opinion only
//!   (this x86 machine's memory order hides a missing Release or Acquire);
//! - the loom build (`model.rs`): the scenarios (`scenarios.rs`) with 2 or 3
//!   threads in every interleaving up to loom's preemption bound, with every
//!   value each load may return: the verdict on atomicity and ordering.

use std::process::ExitCode;

kata_harness::exercise!();
#[cfg(kata_loom)]
mod model;
#[cfg(not(kata_loom))]
mod plain;
mod scenarios;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_loom))] {
            "ids-edges" => plain::ids_edges,
                "IdAllocator on one thread: empty ranges, a range ending at u64::MAX, None forever after the last id";
            "progress-edges" => plain::progress_edges,
                "Progress on one thread: starts at 0, add(0) changes nothing, totals exact";
            "stop-edges" => plain::stop_edges,
                "StopFlag on one thread: None until stopped, reasons 0 and u32::MAX, the first stop wins";
            "threads" => plain::threads,
                "second opinion on real threads: ids distinct and complete, progress exact and never falling, the stop seen with its data";
        }
        #[cfg(kata_loom)] {
            "model-ids" => model::ids,
                "IdAllocator, 2 and 3 threads asking for more ids than there are, at 0 and at u64::MAX: no duplicate, none outside, all handed out (loom, every interleaving)";
            "model-progress" => model::progress,
                "Progress, 2 workers and a monitor: exact, never falling, never ahead (loom, every interleaving)";
            "model-stop" => model::stop,
                "StopFlag: a stopper's Relaxed data seen with the flag, and two stoppers at once: one winner (loom, every interleaving)";
        }
    })
}
