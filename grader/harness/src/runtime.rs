//! Is the runtime's thread free? (feature `runtime`)
//!
//! A blocked runtime is measured by CPU, not by feel (the book's grading
//! chapter). [`run_watched`] runs learner code on a `current_thread` tokio
//! runtime (one thread, like asyncio's event loop) on the real clock, and
//! measures two things about that one thread:
//!
//! - **its CPU time**, read on the thread itself with
//!   `cpu_time::ThreadTime` (portable; no `/proc`). Set beside the CPU the
//!   same job costs on a plain thread of this process ([`cpu_of`], a
//!   same-run baseline), CPU work done inline shows as ~100% and work handed
//!   to other threads as ~1%. Load on the machine slows threads down; it
//!   does not add CPU time to a thread that is not running, so the ratio
//!   survives a busy machine. [`judge_cpu`] holds it to
//!   [`CPU_SHARE_LIMIT`];
//! - **a heartbeat**: a task on the same runtime that wakes every [`TICK`]
//!   and notes the time. While the thread is busy or blocked the heartbeat
//!   cannot run, so the longest gap between ticks is how long the other
//!   tasks (requests, timers) were kept waiting. Each tick also reads the
//!   thread's CPU clock, so a gap is known to be *computing* (the thread ran
//!   code other than the heartbeat for much of it) or not. A gap without
//!   CPU is the code's fault when the thread was *blocked* (a join, a
//!   blocking receive, a sleep), and the machine's when the thread was ready
//!   but waited for a core. Where the OS tells how long a thread waited for
//!   a core ([`crate::sched::SchedClock`]: Linux), the tick reads that too
//!   and the gap's blocked time is what is left. A plain thread sleeping
//!   [`TICK`] in a loop ticks alongside as a control: a gap counts against
//!   the code only when the control kept ticking through it (and, where the
//!   run queue is not known, never went half as long without a tick
//!   anywhere in the run). [`judge_heartbeat`] holds the gaps to
//!   [`GAP_LIMIT`] and draws them ([`crate::picture::heartbeat`]).
//!
//! Both verdicts know where the job's calls ran ([`Calls`], [`Offload`]):
//! a runtime thread that burned CPU while every call ran elsewhere was busy
//! *waiting* (polling a handle in a loop), and is told so, not told to
//! offload what it already offloaded. `tokio::task::block_in_place` panics
//! on a `current_thread` runtime; that panic becomes a failure that says
//! why it is not offloading.

mod beat;
mod heartbeat;
mod offload;
mod watch;

pub use crate::calibrate::cpu_of;
pub use beat::{beat, control_gap_within, gaps, Beat, Gap};
pub use heartbeat::judge_heartbeat;
pub use offload::{
    cpu_share, judge_cpu, judge_offload, percent, second_chance, Call, Calls, Offload,
};
pub use watch::{block_in_place_failure, run_watched, Watched};

use std::time::Duration;

/// How often the heartbeat task (and the control thread) wakes.
pub const TICK: Duration = Duration::from_millis(5);

/// The longest the runtime's thread may go without running its heartbeat.
pub const GAP_LIMIT: Duration = Duration::from_millis(50);

/// The most CPU the runtime's thread may use, as a share of what the job
/// costs on a plain thread. Measured here: inline work ~100%, offloaded
/// work ~1%, with or without load.
pub const CPU_SHARE_LIMIT: f64 = 0.20;

/// A job must cost at least this much CPU on a plain thread for a share of
/// it to mean something (the runtime's own overhead is a few milliseconds).
pub const MIN_BASELINE: Duration = Duration::from_millis(20);

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
