//! Did threads really run at the same time? (feature `cpu`)
//!
//! CPU time alone cannot say: threads that take turns on one core (behind
//! a lock, or under an interpreter lock such as Python's) each accrue CPU
//! time too. Wall-clock spans alone cannot say either: two threads sharing
//! one core are both "inside" their work at once while each runs half the
//! time. Together they can. [`Busy::time`] wraps one piece of work (a call
//! the checks hand to learner code) and records its wall-clock span *and*
//! the CPU time its thread spent in it. A span whose CPU time is nearly all
//! of its wall time ([`ON_CORE`]) was on a core from start to end; two such
//! spans on different threads that overlap in time ran in parallel, on two
//! cores. [`Overlap`] sums that up:
//!
//! - `inside`: how long two or more threads were inside the work at once,
//!   on core or not. Zero means the threads took turns (a join in the spawn
//!   loop, a lock around the work), whatever the machine was doing.
//! - `running`: how long two or more threads were inside *on-core* spans at
//!   once: the proof of parallel execution. It needs a free core, so a
//!   check pairs it with a same-run probe ([`crate::cpu::capacity_once`])
//!   and calls a missing proof inconclusive, not failed, on a busy machine.
//!
//! [`Shares`] counts how many pieces of work each thread did, and
//! [`tries`] runs a scenario until it shows threads running together, with
//! the machine probed around each try, and says what it found ([`Found`]).

use crate::judge::Judgement;
use crate::protocol::{human_duration, Outcome};
use cpu_time::ThreadTime;
use std::collections::HashMap;
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// The share of a span's wall time its thread must have spent on a core
/// for the span to count as running all along.
pub const ON_CORE: f64 = 0.9;

/// One piece of work: on which thread (numbered in order of first
/// appearance), when, since the meter was made, and the CPU time its
/// thread spent in it (`None` where the thread's clock cannot be read).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub thread: usize,
    pub start: Duration,
    pub end: Duration,
    pub cpu: Option<Duration>,
}

impl Span {
    pub fn wall(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }

    /// Whether the thread was on a core for (nearly) the whole span.
    pub fn on_core(&self) -> bool {
        self.cpu.is_some_and(|cpu| cpu.as_secs_f64() >= ON_CORE * self.wall().as_secs_f64())
    }
}

/// A meter of the spans of work done on many threads.
#[derive(Debug)]
pub struct Busy {
    start: Instant,
    seen: Mutex<(Vec<ThreadId>, Vec<Span>)>,
}

impl Default for Busy {
    fn default() -> Busy {
        Busy::new()
    }
}

impl Busy {
    pub fn new() -> Busy {
        Busy { start: Instant::now(), seen: Mutex::new((Vec::new(), Vec::new())) }
    }

    /// Runs `work` on the calling thread and records its span.
    pub fn time<R>(&self, work: impl FnOnce() -> R) -> R {
        let clock = ThreadTime::try_now().ok();
        let start = self.start.elapsed();
        let value = work();
        let end = self.start.elapsed();
        let cpu = clock.and_then(|c| c.try_elapsed().ok());
        let id = std::thread::current().id();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let thread = match seen.0.iter().position(|t| *t == id) {
            Some(i) => i,
            None => {
                seen.0.push(id);
                seen.0.len() - 1
            }
        };
        seen.1.push(Span { thread, start, end, cpu });
        value
    }

    /// Every span so far, in the order they ended.
    pub fn spans(&self) -> Vec<Span> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).1.clone()
    }

    pub fn overlap(&self) -> Overlap {
        Overlap::of(&self.spans())
    }
}

/// What the spans of a run add up to (see the module's notes).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Overlap {
    /// Threads that did some of the work.
    pub threads: usize,
    /// Two or more threads inside the work at once, on a core or not.
    pub inside: Duration,
    /// Two or more threads inside on-core spans at once.
    pub running: Duration,
    /// The time inside the work of the thread that spent the least there:
    /// the most `running` could be.
    pub least: Duration,
    /// The share of spans that were on a core all along.
    pub on_core: f64,
}

impl Overlap {
    pub fn of(spans: &[Span]) -> Overlap {
        let threads = spans.iter().map(|s| s.thread + 1).max().unwrap_or(0);
        let least = (0..threads)
            .map(|t| union(spans.iter().filter(|s| s.thread == t)))
            .min()
            .unwrap_or_default();
        let on_core = if spans.is_empty() {
            0.0
        } else {
            spans.iter().filter(|s| s.on_core()).count() as f64 / spans.len() as f64
        };
        Overlap {
            threads,
            inside: together(spans.iter()),
            running: together(spans.iter().filter(|s| s.on_core())),
            least,
            on_core,
        }
    }

    /// The threads ran in parallel for at least half the time the least
    /// busy of them was at work (and there were two or more).
    pub fn ran_together(&self) -> bool {
        self.threads >= 2 && !self.least.is_zero() && self.running >= self.least / 2
    }

    /// The threads were never inside the work at the same moment (less than
    /// 1% of the least busy one's time: the clocks are read around the
    /// work, not at its first and last instruction).
    pub fn took_turns(&self) -> bool {
        self.threads < 2 || self.inside <= self.least / 100
    }
}

/// How long the spans cover, overlaps counted once.
fn union<'a>(spans: impl Iterator<Item = &'a Span>) -> Duration {
    let mut spans: Vec<(Duration, Duration)> = spans.map(|s| (s.start, s.end)).collect();
    spans.sort();
    let (mut total, mut reach) = (Duration::ZERO, Duration::ZERO);
    for (start, end) in spans {
        let from = start.max(reach);
        total += end.saturating_sub(from);
        reach = reach.max(end);
    }
    total
}

/// How long spans of two or more different threads were open at once.
fn together<'a>(spans: impl Iterator<Item = &'a Span>) -> Duration {
    // A sweep over every start and end, counting open spans per thread
    // (a thread's own spans do not overlap, but the clocks' rounding may
    // make one end where the next starts).
    let mut events: Vec<(Duration, i32, usize)> = Vec::new();
    for s in spans.filter(|s| s.end > s.start) {
        events.push((s.start, 1, s.thread));
        events.push((s.end, -1, s.thread));
    }
    // Ends before starts at the same instant: touching is not overlapping.
    events.sort_by_key(|&(t, delta, _)| (t, delta));
    let mut open: Vec<i32> = Vec::new();
    let (mut total, mut last) = (Duration::ZERO, Duration::ZERO);
    for (t, delta, thread) in events {
        if open.iter().filter(|&&n| n > 0).count() >= 2 {
            total += t.saturating_sub(last);
        }
        if open.len() <= thread {
            open.resize(thread + 1, 0);
        }
        open[thread] += delta;
        last = t;
    }
    total
}

/// Pieces of work per thread, counted by the work itself.
#[derive(Debug, Default)]
pub struct Shares(Mutex<HashMap<ThreadId, usize>>);

impl Shares {
    /// Counts one piece for the calling thread.
    pub fn record(&self) {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *seen.entry(std::thread::current().id()).or_default() += 1;
    }

    /// Whether the thread `id` did some of the work.
    pub fn ran_on(&self, id: ThreadId) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&id)
    }

    /// The pieces each thread did, the most first.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes: Vec<usize> =
            self.0.lock().unwrap_or_else(|e| e.into_inner()).values().copied().collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes
    }
}

/// What [`tries`] found, with the try it is about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Found {
    /// A try ran two or more threads on cores at once ([`Overlap::ran_together`]).
    Together(Overlap),
    /// A try's threads were never inside the work at once ([`Overlap::took_turns`]):
    /// they take turns, whatever the load (the whole calls' overlap, then the work's).
    TookTurns(Overlap, Overlap),
    /// No try proved either: the machine gave no two cores at once.
    Unsure(Overlap),
}

/// Runs `run` up to `count` times, probing the machine
/// ([`crate::cpu::capacity_once`]) around each try, until a try shows the
/// threads running together or taking turns. `run` returns the overlap of
/// whole calls of the work (waits included, which is what shows turns) and
/// of their CPU work alone (which is what shows running together). The
/// judgement carries the figures of the try found (the last one, if none
/// decided), and the probes.
///
/// # Errors
/// The first failure of `run`.
pub fn tries(
    count: usize,
    mut run: impl FnMut() -> Result<(Overlap, Overlap), Outcome>,
) -> Result<(Found, Judgement), Outcome> {
    let mut probes = Vec::new();
    let mut found = Found::Unsure(Overlap::default());
    for _ in 0..count.max(1) {
        let before = crate::cpu::capacity_once().speedup();
        let (calls, work) = run()?;
        probes.push(before.min(crate::cpu::capacity_once().speedup()));
        found = if calls.took_turns() {
            Found::TookTurns(calls, work)
        } else if work.ran_together() {
            Found::Together(work)
        } else {
            Found::Unsure(work)
        };
        if !matches!(found, Found::Unsure(_)) {
            break;
        }
    }
    let (Found::Together(o) | Found::TookTurns(_, o) | Found::Unsure(o)) = found;
    let mut j = Judgement::new();
    j.figure("threads that did the work", o.threads, ">= 2")
        .figure(
            "time two threads ran at once",
            human_duration(o.running),
            format!(">= {} (half of the least busy one's)", human_duration(o.least / 2)),
        )
        .detail(format!(
            "pieces of work on a core all along (CPU >= {:.0}% of wall time): {:.0}%; the \
             machine, probed around each try: {} (two threads against one)",
            ON_CORE * 100.0,
            o.on_core * 100.0,
            probes.iter().map(|p| format!("{p:.2}x")).collect::<Vec<_>>().join(", ")
        ));
    Ok((found, j))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;

    fn span(thread: usize, start: u64, end: u64, cpu: u64) -> Span {
        Span { thread, start: ms(start), end: ms(end), cpu: Some(ms(cpu)) }
    }

    #[test]
    fn parallel_spans_on_core_ran_together() {
        // Two threads, each 4 calls of 10 ms, side by side on two cores.
        let spans: Vec<Span> = (0..4)
            .flat_map(|i| [span(0, i * 10, i * 10 + 10, 10), span(1, i * 10 + 1, i * 10 + 11, 10)])
            .collect();
        let o = Overlap::of(&spans);
        assert_eq!((o.threads, o.least), (2, ms(40)));
        assert_eq!(o.inside, ms(39));
        assert_eq!(o.running, ms(39));
        assert!(o.ran_together() && !o.took_turns());
        assert!((o.on_core - 1.0).abs() < 1e-9);
    }

    #[test]
    fn sharing_one_core_is_inside_together_but_not_running() {
        // Each call took 20 ms of wall time for 10 ms of CPU: time-sliced.
        let spans = [span(0, 0, 20, 10), span(1, 0, 20, 10)];
        let o = Overlap::of(&spans);
        assert_eq!((o.inside, o.running), (ms(20), ms(0)));
        assert!(!o.ran_together() && !o.took_turns());
        assert_eq!(o.on_core, 0.0);
    }

    #[test]
    fn turns_and_one_thread_never_overlap() {
        let turns = [span(0, 0, 10, 10), span(1, 10, 20, 10), span(0, 20, 30, 10)];
        let o = Overlap::of(&turns);
        assert_eq!((o.inside, o.running, o.least), (ms(0), ms(0), ms(10)));
        assert!(o.took_turns() && !o.ran_together());
        let alone = Overlap::of(&[span(0, 0, 10, 10), span(0, 5, 15, 10)]);
        assert_eq!((alone.threads, alone.least), (1, ms(15)));
        assert!(alone.took_turns() && !alone.ran_together());
        assert_eq!(Overlap::of(&[]), Overlap::default());
    }

    #[test]
    fn the_meter_numbers_threads_and_reads_their_clocks() {
        let busy = Busy::new();
        let spin = |n: u64| (0..n).fold(0u64, |a, x| std::hint::black_box(a ^ x.rotate_left(7)));
        assert_eq!(busy.time(|| 6 * 7), 42);
        std::thread::scope(|s| {
            s.spawn(|| busy.time(|| spin(200_000)));
        });
        let spans = busy.spans();
        assert_eq!(spans.iter().map(|s| s.thread).collect::<Vec<_>>(), [0, 1]);
        assert!(spans.iter().all(|s| s.end >= s.start));
        assert_eq!(busy.overlap().threads, 2);
    }

    #[test]
    fn shares_are_counted_per_thread() {
        let shares = Shares::default();
        shares.record();
        std::thread::scope(|s| {
            s.spawn(|| (0..3).for_each(|_| shares.record()));
        });
        assert_eq!(shares.sizes(), [3, 1]);
        assert!(shares.ran_on(std::thread::current().id()));
    }

    #[test]
    fn tries_stop_at_the_first_try_that_decides() {
        let together = Overlap::of(&[span(0, 0, 10, 10), span(1, 0, 10, 10)]);
        let turns = Overlap::of(&[span(0, 0, 10, 10), span(1, 10, 20, 10)]);
        let unsure = Overlap::of(&[span(0, 0, 20, 10), span(1, 0, 20, 10)]);
        let mut runs = 0;
        let (found, j) = tries(5, || {
            runs += 1;
            Ok(if runs < 3 { (unsure, unsure) } else { (together, together) })
        })
        .unwrap();
        assert_eq!((found, runs), (Found::Together(together), 3));
        assert_eq!(j.pass("").figures[1].measured, "10 ms");
        let (found, _) = tries(5, || Ok((turns, turns))).unwrap();
        assert_eq!(found, Found::TookTurns(turns, turns));
        let (found, j) = tries(2, || Ok((unsure, unsure))).unwrap();
        assert_eq!(found, Found::Unsure(unsure));
        assert_eq!(j.pass("").details[0].matches('x').count(), 2);
    }
}
