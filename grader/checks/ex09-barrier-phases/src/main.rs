//! The hidden checks of ex09 · Barrier phases.
//!
//! Two builds of this file run. The plain build checks the barrier and
//! `run_phases` on real threads: the edges, many generations of one barrier,
//! phases with a slow worker, and what blocked waiters cost. The model build
//! (`--cfg kata_shuttle`) runs the same meetings under shuttle, whose
//! `Condvar` wakes spuriously. In both, the check's own recorder
//! (`phases::Rounds`) counts who arrived and who left, round by round.

use kata_harness::contention::{narrate, pause, Part, Scenario, Turn};
use kata_harness::phases::{Broken, Rounds};
use kata_harness::{fail, ms, Outcome, Verdict};
use std::process::ExitCode;

kata_harness::exercise!(Barrier, run_phases);

#[cfg(kata_shuttle)]
mod model;
#[cfg(not(kata_shuttle))]
mod plain;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "edges" => plain::edges,
                "new(1) and new(0) release every wait at once as leader; run_phases with p = 0, k = 0, k = 1";
            "generations" => plain::generations,
                "4 real threads through 200 generations of one barrier: nobody out early, one leader each";
            "phases-in-order" => plain::phases_in_order,
                "run_phases with a slow worker in every phase: no worker in phase j + 1 before all finished j, on the same k threads";
            "waiting-sleeps" => plain::waiting_sleeps,
                "2 threads blocked in wait on a barrier for 3 use almost no CPU, and the third releases them";
        }
        #[cfg(kata_shuttle)] {
            "model-generations" => model::generations,
                "2 threads × 4 and 3 threads × 3 generations: nobody out early, nobody left asleep, one leader, in every schedule";
            "model-phases" => model::phases,
                "run_phases(2, 3) and run_phases(3, 2): phases in order on the same threads, in every schedule";
        }
    })
}

/// Every waiter of a barrier that never lets it go.
const STUCK: &str = "a thread slept in wait() for ever: the model checker found every other \
    thread done or asleep, though all had arrived. Either the last arrival woke only one waiter \
    (`notify_one`: every waiter waits for the same news, use `notify_all`) or none; or the \
    waiters test a count that the last arrival had already reset for the next generation \
    (`while count < n` sleeps on after the reset: remember the generation you arrived in, and \
    sleep while it is still the current one); or the count was never reset, and `count == n` \
    is never true again.";

/// What a break of the barrier's generations teaches.
fn barrier_lesson(broken: &Broken) -> String {
    match *broken {
        Broken::Early { who, round, ended, n } => format!(
            "thread {who} came out of wait() number {round} when only {ended} of the {n} threads \
             had arrived in that generation: it was let out early. Either the count was not \
             reset after a generation (so the next one passes at once), or a waiter decided by \
             the count alone (an `if` for a `while`, which a spurious wake-up gets past; or no \
             generation number, so a fast thread back in wait() is counted in the round that \
             just ended). Keep a generation number beside the count: a waiter notes it as it \
             arrives and sleeps in a `while` loop until it has moved on; the last arrival \
             resets the count, moves the generation on and calls notify_all.",
            who = char::from(b'A' + who as u8),
            round = round - 1
        ),
        Broken::Leaders { round, leaders } => format!(
            "generation {round} of the barrier had {leaders} leaders: exactly one wait() of \
             each generation must return is_leader() = true. Let the arrival that completes \
             the generation (the n-th, known in the lock scope where it counts itself) be the \
             leader, and nobody else."
        ),
        Broken::Missing { round, begun, n } => format!(
            "only {begun} of {n} threads came out of wait() number {round}: {STUCK}",
            round = round - 1
        ),
        _ => broken.to_string(),
    }
}

/// What a break of `run_phases`'s phases teaches.
fn phases_lesson(broken: &Broken, k: usize) -> String {
    match *broken {
        Broken::Early { who, round, ended, n } => format!(
            "worker {who} began phase {round} when only {ended} of the {n} workers had finished \
             phase {}: phases overlapped. Each worker must wait at the barrier after each \
             phase's work, so that nobody goes on before all have arrived (a sleep is not a \
             wait: a worker can always be slower than it).",
            round - 1
        ),
        Broken::Missing { round, begun, n } => format!(
            "only {begun} of {n} workers ran phase {round}: run_phases must call work(worker, \
             phase) once for every worker in 0..k and every phase in 0..p"
        ),
        Broken::Moved { who, round } => format!(
            "worker {who} ran phase 0 on one thread and phase {round} on another: run_phases \
             started threads afresh (and joined them) between phases. Start the {k} threads \
             once; each loops over all the phases, and they meet at your Barrier in between."
        ),
        Broken::Shared { a, b } => format!(
            "workers {a} and {b} ran on the same thread: the {k} workers of a phase must run at \
             the same time, on {k} threads (one per worker), not one after another"
        ),
        Broken::Leaders { .. } => broken.to_string(),
    }
}

/// A sleep in the code under check, which is no order (seen by the model).
#[cfg(kata_shuttle)]
const SLEPT: &str = "your code called thread::sleep: a sleep orders nothing (a thread can always \
    be slower than the sleep), and a waiter that sleeps and looks again burns wake-ups. Block \
    on a `Condvar` until the last arrival wakes you.";

/// A `wait` that took no lock of the facade's `Mutex`.
const NO_LOCK: &str = "wait() took no lock of kata_sync's Mutex: this barrier is not built from \
    a Mutex and a Condvar (a ready-made Barrier, std's or the one kata_sync::sync re-exports, \
    or atomics). Build it yourself: the count and a generation number under a kata_sync Mutex, \
    and a Condvar to sleep on.";

/// The barrier and the check's record of its generations.
type Met = (Barrier, Rounds);

/// `n` threads through `gens` generations of one barrier: each marks its
/// arrival, waits, and on coming out checks that everyone had arrived.
/// `model` panics at the first early exit (the story stops there).
fn meetings(n: usize, gens: usize, model: bool) -> Scenario<Met, ()> {
    let state = move || (Barrier::new(n), Rounds::new(n, gens + 1));
    let what = format!("{n} threads through {gens} generations of Barrier::new({n})");
    Scenario::new(what, state)
        .threads(n, move |(barrier, rounds): &Met, turn: &Turn| {
            let me = turn.thread;
            for g in 0..=gens {
                if let Err(broken) = rounds.begin(me, g) {
                    assert!(!model, "{}", barrier_lesson(&broken));
                }
                if g == gens {
                    break;
                }
                if (g + me).is_multiple_of(41) {
                    pause(ms(2)); // real threads: someone arrives late
                }
                narrate(format!("calls wait() number {g}"));
                rounds.end(g);
                let leader = barrier.wait().is_leader();
                narrate(format!("returns from wait() number {g}, leader: {leader}"));
                if leader {
                    rounds.lead(g);
                }
            }
        })
        .on_hang(
            "a thread asleep in wait() for good: a lost wake-up (notify_one, no notify), or a \
             barrier that jams after its first generation?",
        )
        .judge(move |(_, rounds), parts: &[Part<()>]| {
            #[cfg(kata_shuttle)]
            assert!(kata_sync::model::sleeps() == 0, "{SLEPT}");
            rounds.judge(gens, false).map_err(|b| fail(barrier_lesson(&b)))?;
            match parts.iter().all(|p| p.did.locks > 0) {
                true => Ok(()),
                false => Err(fail(NO_LOCK)),
            }
        })
}

/// `run_phases(k, p)` with the check's work: it records each call's begin
/// and end, makes worker `phase % k` slow (`slow`, real threads only), and
/// returns `worker * 1000 + phase`. The failure, if any, in words.
fn phased(k: usize, p: usize, slow: std::time::Duration, model: bool) -> Result<(), Outcome> {
    let rounds = Rounds::new(k, p);
    let rows = run_phases(k, p, |worker, phase| {
        narrate(format!("worker {worker} begins phase {phase}"));
        if let Err(broken) = rounds.begin(worker, phase) {
            #[cfg(kata_shuttle)]
            assert!(kata_sync::model::sleeps() == 0, "{SLEPT}");
            assert!(!model, "{}", phases_lesson(&broken, k));
        }
        if worker == phase % k {
            pause(slow);
        }
        rounds.end(phase);
        worker * 1000 + phase
    });
    rounds.judge(0, true).map_err(|b| fail(phases_lesson(&b, k)))?;
    let want: Vec<Vec<usize>> = (0..p).map(|j| (0..k).map(|w| w * 1000 + j).collect()).collect();
    match rows == want {
        true => Ok(()),
        false => Err(fail(format!(
            "run_phases({k}, {p}, work) returned {rows:?}, not {want:?}: results[phase][worker] \
             must hold what work(worker, phase) returned, p rows of k"
        ))),
    }
}
