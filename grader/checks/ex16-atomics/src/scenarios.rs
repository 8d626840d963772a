//! The scenarios (the harness's lock-free pieces, each call narrated) and
//! their messages: the same on real threads and under loom.

use super::target::{IdAllocator, Progress, StopFlag};
use kata_harness::contention::Scenario;
use kata_harness::lockfree::{self, named, span, Board, Count, Counter, Handout, Handover};
use kata_harness::lockfree::{Monitored, Saw};

/// What a handout problem means, and what to do: `call` names the scenario.
pub fn id_lesson(problem: &Handout, range: &std::ops::Range<u64>, call: &str) -> String {
    let (span, who) = (span(range), |i| named("thread", i));
    match *problem {
        Handout::Outside { value, by } if value < range.start => format!(
            "{call}: {} got {value}, below the range {span}: the state ran past the end and \
             wrapped around past u64::MAX. A `fetch_add` adds even when the range is used up, \
             and an add undone later leaves a window where another thread sees the wrapped \
             value. Write nothing once the range is used up: a compare-exchange loop, or \
             `fetch_update` with a closure that returns `None` at the limit.",
            who(by)
        ),
        Handout::Outside { value, by } => format!(
            "{call}: {} got {value}, outside the range {span} (never the limit, never more). \
             Check that an id is left in the same read-modify-write that takes it: \
             `fetch_update(.., |n| (n < limit).then(|| n + 1))`.",
            who(by)
        ),
        Handout::Twice { value, first, second } => format!(
            "{call}: {} and {} both got id {value}. Two threads read the same state before \
             either wrote it back: a `load` then a `store` is two steps. Take the id with one \
             read-modify-write that succeeds for one thread only (`fetch_update`, or \
             `compare_exchange` in a loop that retries with the value it found).",
            who(first),
            who(second)
        ),
        Handout::AfterNone { value, by } => format!(
            "{call}: {} was told None, then got id {value}. None means used up, forever, and a \
             failed compare-exchange only means another thread got there first: retry with the \
             value it returned instead of giving up.",
            who(by)
        ),
        Handout::NoneTooSoon { .. } => format!(
            "{call}: {problem} (of {span}). None must mean the range is used up, and a failed \
             compare-exchange only means another thread got there first: loop and try the next \
             id."
        ),
    }
}

/// `threads` threads each call `next_id` `calls` times on `starting_at(first, limit)`.
pub fn ids(
    threads: usize,
    calls: usize,
    first: u64,
    limit: u64,
) -> Scenario<IdAllocator, Vec<Option<u64>>> {
    let make = move || IdAllocator::starting_at(first, limit);
    let lesson = move |problem: &Handout, call: &str| id_lesson(problem, &(first..limit), call);
    lockfree::handouts(
        make,
        (IdAllocator::next_id, "next_id()"),
        (threads, calls),
        first..limit,
        lesson,
    )
}

fn count_lesson(problem: &Count) -> String {
    match *problem {
        Count::Fell { before, after } => format!(
            "the monitor read done() = {before}, then {after}: the count went down. A `load` \
             then a `store` writes back an old total plus n, over additions made in between. \
             Add with one `fetch_add`: it never writes a stale total, and one thread's reads of \
             one atomic never go back, even `Relaxed`."
        ),
        Count::Ahead { read, total } => {
            format!("the monitor read done() = {read}, more than was ever added ({total})")
        }
        Count::Lost { last, total } => format!(
            "after every worker was joined, done() = {last}, not {total}: {} additions lost. \
             `add` must be one read-modify-write (`fetch_add(n, Relaxed)`), not a `load` then \
             a `store` that another thread's add can fall between.",
            total.saturating_sub(last)
        ),
    }
}

/// Each worker adds its numbers `repeat` times over; a monitor reads.
pub fn progress(
    adds: &'static [&'static [u64]],
    repeat: u64,
    looks: usize,
) -> Scenario<Monitored<Progress>, ()> {
    let calls: Counter<Progress> = (Progress::add, Progress::done);
    lockfree::counting(Progress::new, calls, ("add", "done()"), (adds, repeat, looks), count_lesson)
}

fn stop_lesson(problem: &Handover) -> String {
    match problem {
        Handover::Winners { won, raises } => format!(
            "{won} of {raises} stop() calls returned true: exactly one must win. \"Is it \
             stopped? If not, stop\" as a load and then a store is check-then-act, and two \
             threads can both see \"running\". Stop with one `compare_exchange` from \
             \"running\": it succeeds for one thread only."
        ),
        Handover::OwnUnseen { who, tag, said } => format!(
            "{who}'s stop({tag}) returned true, and then its own stopped() said {said:?}: once \
             a stop has returned, stopped() is Some(reason) (reason 0 too: give \"stopped\" a \
             bit of its own, not the value 0)."
        ),
        Handover::WrongTag { who, said, tag } => format!(
            "{who}: stopped() said Some({said}), but the stop that won was for reason {tag}: a \
             later stop changed the reason, or the flag was seen before its reason was written. \
             Keep the flag and the reason in one atomic, set by one compare_exchange, so that \
             no thread sees one without the other."
        ),
        Handover::Stale { who, winner, tag, read, wrote } => format!(
            "STALE READ: {who} saw stopped() = Some({tag}), then read {winner}'s payload as \
             {read} although it wrote {wrote} before stopping: the flag arrived without what \
             was written before it. Store the flag with `Release` (a compare_exchange's success \
             ordering) and load it with `Acquire`: an Acquire load that reads a Release store \
             sees every write made before that store. `Relaxed` on either side orders nothing. \
             On x86 it happens to work; on ARM it fails, and loom tries what the language allows."
        ),
        Handover::Retracted { who, tag } => {
            format!("{who}: stopped() said Some({tag}), then None: a stop is forever.")
        }
        Handover::Last { said, tag } => {
            format!("after every thread was joined, stopped() said {said:?}, not Some({tag})")
        }
    }
}

/// Stoppers A and B: reasons 7 and 0, payloads 42 and 99.
const STOPPERS: [(u32, u64); 2] = [(7, 42), (0, 99)];

/// `stoppers` (1 or 2) stoppers and `workers` workers on one flag.
pub fn stop(stoppers: usize, workers: usize, looks: usize) -> Scenario<Board<StopFlag>, Saw> {
    let signal = lockfree::Signal {
        make: StopFlag::new,
        raise: StopFlag::stop,
        look: StopFlag::stopped,
        names: ["stopper", "worker", "stop", "stopped"],
    };
    lockfree::handover(signal, &STOPPERS[..stoppers], (workers, looks), stop_lesson)
}
