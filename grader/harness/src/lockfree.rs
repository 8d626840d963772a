//! Lock-free tools (an allocator, a count, a flag that hands data over;
//! feature `model`) judged the same way on real threads and under the model checker: each
//! piece is a [`Scenario`] of the contention runner with a pure judgement
//! (unit-tested here) and a problem type the exercise puts in its words.
//!
//! - handouts from a supply (ids, tickets): [`handouts`], [`judge_handouts`];
//! - a count that workers add to while a monitor reads it: [`counting`],
//!   [`judge_count`] (exact, never falling, never ahead);
//! - a hand-over through a signal ([`handover`], [`judge_handover`]):
//!   raisers write a payload (`Relaxed`), then raise the signal with a tag;
//!   watchers look, and read the payload of the tag a look names. One raise
//!   wins, every look names its tag and sees its payload (else the signal
//!   carried no happens-before: a stale read, which loom shows step by
//!   step), and a raised signal stays raised.

use crate::contention::{narrate, pause, Part, Scenario, Turn};
use crate::{fail, ms};
use kata_sync::sync::atomic::{AtomicU64, Ordering};

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// What is wrong with a handout, in the order [`judge_handouts`] looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handout {
    /// `value` is outside the supply's range; caller `by` got it.
    Outside { value: u64, by: usize },
    /// `value` went to two calls: callers `first` and `second` (the same
    /// caller twice, maybe).
    Twice { value: u64, first: usize, second: usize },
    /// Caller `by` was told "none left", and later got `value`.
    AfterNone { value: u64, by: usize },
    /// Someone was told "none left" while `missing` (and `more` others)
    /// had never been handed out.
    NoneTooSoon { missing: u64, more: u64 },
}

impl fmt::Display for Handout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Handout::Outside { value, by } => write!(f, "caller {by} got {value}"),
            Handout::Twice { value, first, second } if first == second => {
                write!(f, "caller {first} got {value} twice")
            }
            Handout::Twice { value, first, second } => {
                write!(f, "callers {first} and {second} both got {value}")
            }
            Handout::AfterNone { value, by } => {
                write!(f, "caller {by} was told none was left, then got {value}")
            }
            Handout::NoneTooSoon { missing, more: 0 } => {
                write!(f, "a caller was told none was left, but {missing} was never handed out")
            }
            Handout::NoneTooSoon { missing, more } => write!(
                f,
                "a caller was told none was left, but {missing} (and {more} more) were never \
                 handed out"
            ),
        }
    }
}

/// Judges what each caller got (`calls[c]`: caller `c`'s answers, in
/// order; `None` is "none left") from a supply of `range`.
///
/// # Errors
/// The first problem found, checked in the order of [`Handout`]'s variants
/// (a value outside the range first: it is usually what explains the rest).
pub fn judge_handouts(calls: &[Vec<Option<u64>>], range: Range<u64>) -> Result<(), Handout> {
    let got =
        || calls.iter().enumerate().flat_map(|(c, answers)| answers.iter().map(move |a| (c, *a)));
    if let Some((by, value)) =
        got().find_map(|(c, a)| a.filter(|v| !range.contains(v)).map(|v| (c, v)))
    {
        return Err(Handout::Outside { value, by });
    }
    let mut owner: HashMap<u64, usize> = HashMap::new();
    for (by, value) in got().filter_map(|(c, a)| a.map(|v| (c, v))) {
        if let Some(&first) = owner.get(&value) {
            return Err(Handout::Twice { value, first, second: by });
        }
        owner.insert(value, by);
    }
    for (by, answers) in calls.iter().enumerate() {
        let after_none = answers.iter().skip_while(|a| a.is_some()).find_map(|a| *a);
        if let Some(value) = after_none {
            return Err(Handout::AfterNone { value, by });
        }
    }
    let told_none = got().any(|(_, a)| a.is_none());
    let size = range.end.saturating_sub(range.start);
    let handed = owner.len() as u64;
    if told_none && handed < size {
        let missing = range.clone().find(|v| !owner.contains_key(v)).unwrap_or(range.start);
        return Err(Handout::NoneTooSoon { missing, more: size - handed - 1 });
    }
    Ok(())
}

/// The first time a reader saw a count go down, in its `readings` in the
/// order it read them: `(index of the lower reading, before, after)`.
pub fn first_fall(readings: &[u64]) -> Option<(usize, u64, u64)> {
    readings.windows(2).enumerate().find(|(_, w)| w[1] < w[0]).map(|(i, w)| (i + 1, w[0], w[1]))
}

/// `0..3`, `u64::MAX - 1..u64::MAX`.
pub fn span(range: &Range<u64>) -> String {
    let at = |n: u64| match u64::MAX - n {
        0 => "u64::MAX".to_string(),
        d if d < 1000 => format!("u64::MAX - {d}"),
        _ => n.to_string(),
    };
    format!("{}..{}", at(range.start), at(range.end))
}

/// `thread A`, `stopper B`: as a story (and [`Scenario::threads`]) names them.
pub fn named(kind: &str, index: usize) -> String {
    format!("{kind} {}", char::from(b'A' + (index % 26) as u8))
}

/// `threads` threads (`thread A`, ...) each call `take` `calls` times on
/// the supply `make` builds, whose values are `range`; judged by
/// [`judge_handouts`], its problem told by `lesson`.
pub fn handouts<S: Send + Sync + 'static>(
    make: impl Fn() -> S + Send + Sync + 'static,
    (take, call): (fn(&S) -> Option<u64>, &'static str),
    (threads, calls): (usize, usize),
    range: Range<u64>,
    lesson: impl Fn(&Handout, &str) -> String + Send + Sync + 'static,
) -> Scenario<S, Vec<Option<u64>>> {
    let what = format!("{threads} threads × {calls} {call} on {}", span(&range));
    let told = what.clone();
    let asks = move |supply: &S, _: &Turn| {
        let ask = |_| {
            let got = take(supply);
            narrate(format!("{call} -> {got:?}"));
            got
        };
        (0..calls).map(ask).collect()
    };
    Scenario::new(what, make).threads(threads, asks).judge(
        move |_, parts: &[Part<Vec<Option<u64>>>]| {
            let got: Vec<Vec<Option<u64>>> = parts.iter().map(|p| p.result.clone()).collect();
            judge_handouts(&got, range.clone()).map_err(|problem| fail(lesson(&problem, &told)))
        },
    )
}

/// What is wrong with a count that workers add to and a monitor reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// The monitor read `before`, then `after`, lower.
    Fell { before: u64, after: u64 },
    /// The monitor read `read`, more than was ever added.
    Ahead { read: u64, total: u64 },
    /// Once every worker was joined, the count was `last`, not `total`.
    Lost { last: u64, total: u64 },
}

/// Judges a monitor's readings, in order, and the count once every worker
/// was joined, against the `total` added.
///
/// # Errors
/// The first problem, in the order of [`Count`]'s variants.
pub fn judge_count(seen: &[u64], last: u64, total: u64) -> Result<(), Count> {
    if let Some((_, before, after)) = first_fall(seen) {
        return Err(Count::Fell { before, after });
    }
    if let Some(&read) = seen.iter().find(|n| **n > total) {
        return Err(Count::Ahead { read, total });
    }
    (last == total).then_some(()).ok_or(Count::Lost { last, total })
}

/// How to add to a count, and how to read it.
pub type Counter<C> = (fn(&C, u64), fn(&C) -> u64);

/// A count, and what its monitor read.
pub struct Monitored<C> {
    count: C,
    seen: std::sync::Mutex<Vec<u64>>,
}

/// How many readings a monitor keeps on real threads.
const READINGS: usize = 100_000;

/// One worker per entry of `adds` (`thread A`, ...) calls `add` with each of
/// its numbers, `repeat` times over; a monitor calls `read` while they run
/// (`looks` times under the model checker, until they end on real threads).
/// Judged by [`judge_count`], told by `lesson`; `calls` names the two.
pub fn counting<C: Send + Sync + 'static>(
    make: fn() -> C,
    (add, read): Counter<C>,
    calls: (&'static str, &'static str),
    (adds, repeat, looks): (&'static [&'static [u64]], u64, usize),
    lesson: fn(&Count) -> String,
) -> Scenario<Monitored<C>, ()> {
    let total: u64 = adds.iter().flat_map(|a| a.iter()).sum::<u64>() * repeat;
    let what =
        format!("{} workers adding {total} in all, a monitor calling {}", adds.len(), calls.1);
    let setup = move || Monitored { count: make(), seen: std::sync::Mutex::new(Vec::new()) };
    let mut scenario = Scenario::new(what, setup);
    for (w, mine) in adds.iter().enumerate() {
        scenario = scenario.thread(named("thread", w), move |m: &Monitored<C>, _: &Turn| {
            for &n in mine.iter().cycle().take(mine.len() * repeat as usize) {
                add(&m.count, n);
                narrate(format!("{}({n})", calls.0));
            }
        });
    }
    let monitor = move |m: &Monitored<C>| {
        let now = read(&m.count);
        narrate(format!("{} -> {now}", calls.1));
        let mut seen = m.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() < READINGS {
            seen.push(now);
        }
        Ok(())
    };
    scenario.observer("monitor", monitor).observations(looks).judge(move |m, _| {
        let seen = m.seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let last = read(&m.count);
        narrate(format!("every worker joined: {} -> {last}", calls.1));
        judge_count(&seen, last, total).map_err(|problem| fail(lesson(&problem)))
    })
}

/// A signal under check: how to build it, raise it with a tag (whether
/// this raise won), and look at it (the winner's tag, once raised); and
/// what the story calls its raisers, its watchers and the two calls
/// (`["stopper", "worker", "stop", "stopped"]`).
pub struct Signal<S> {
    pub make: fn() -> S,
    pub raise: fn(&S, u32) -> bool,
    pub look: fn(&S) -> Option<u32>,
    pub names: [&'static str; 4],
}

impl<S> Clone for Signal<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Signal<S> {}

/// What one thread saw: whether its raise won (raisers only), and each look,
/// with the payload it then read when the look named a raiser's tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saw {
    pub won: Option<bool>,
    pub looks: Vec<(Option<u32>, Option<u64>)>,
}

/// What is wrong with a hand-over (`who`: a thread's name in the story).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// Not exactly one raise won: `won` of `raises` did.
    Winners { won: usize, raises: usize },
    /// The winner's own look, after its raise, said `said`.
    OwnUnseen { who: String, tag: u32, said: Option<u32> },
    /// A look said `said`, but the winning raise was for `tag`.
    WrongTag { who: String, said: u32, tag: u32 },
    /// A look said `tag`, and the winner's payload then read `read`, not
    /// `wrote`: the signal came without what was written before it.
    Stale { who: String, winner: String, tag: u32, read: u64, wrote: u64 },
    /// A look said `tag`, and a later one "not raised".
    Retracted { who: String, tag: u32 },
    /// Once every thread was joined, a look said `said`.
    Last { said: Option<u32>, tag: u32 },
}

/// Judges what the raisers (`saws[..raisers.len()]`, each `(tag,
/// payload)`) and then the watchers saw, and `last`, a look once every
/// thread was joined. `names` are the raisers' and watchers' kinds.
///
/// # Errors
/// The first problem, in the order of [`Handover`]'s variants (per thread).
pub fn judge_handover(
    raisers: &[(u32, u64)],
    names: (&str, &str),
    saws: &[Saw],
    last: Option<u32>,
) -> Result<(), Handover> {
    let won: Vec<usize> = (0..raisers.len()).filter(|r| saws[*r].won == Some(true)).collect();
    let [w] = won[..] else {
        return Err(Handover::Winners { won: won.len(), raises: raisers.len() });
    };
    let ((tag, wrote), winner) = (raisers[w], named(names.0, w));
    for (t, saw) in saws.iter().enumerate() {
        let who =
            if t < raisers.len() { named(names.0, t) } else { named(names.1, t - raisers.len()) };
        let first = saw.looks.first().map(|l| l.0);
        if t == w && first.is_some_and(|said| said != Some(tag)) {
            return Err(Handover::OwnUnseen { who, tag, said: first.flatten() });
        }
        for &(said, read) in &saw.looks {
            match said {
                Some(said) if said != tag => return Err(Handover::WrongTag { who, said, tag }),
                Some(_) if read != Some(wrote) => {
                    let read = read.unwrap_or_default();
                    return Err(Handover::Stale { who, winner, tag, read, wrote });
                }
                _ => {}
            }
        }
        let raised = saw.looks.iter().skip_while(|l| l.0.is_none());
        if raised.clone().any(|l| l.0.is_none()) {
            return Err(Handover::Retracted { who, tag });
        }
    }
    (last == Some(tag)).then_some(()).ok_or(Handover::Last { said: last, tag })
}

/// The signal, and one payload per raiser.
pub struct Board<S> {
    signal: S,
    data: Vec<AtomicU64>,
}

/// One look, and the payload of the raiser whose tag it names.
fn look<S>(
    signal: Signal<S>,
    raisers: &[(u32, u64)],
    board: &Board<S>,
    saw: &mut Saw,
) -> Option<u32> {
    let said = (signal.look)(&board.signal);
    let of = said.and_then(|tag| raisers.iter().position(|r| r.0 == tag));
    // Ordering: Relaxed on purpose: only the signal may order this read.
    let read = of.map(|r| board.data[r].load(Ordering::Relaxed));
    let [raiser, _, _, call] = signal.names;
    match (of, read) {
        (Some(r), Some(read)) => narrate(format!(
            "{call}() -> {said:?}, then reads {}'s payload: {read} (Relaxed)",
            named(raiser, r)
        )),
        _ => narrate(format!("{call}() -> {said:?}")),
    }
    saw.looks.push((said, read));
    said
}

/// Each raiser (`stopper A`, ...) writes its payload (`Relaxed`), raises
/// the signal with its tag and looks once; each of `watchers` (`worker A`,
/// ...) looks `looks` times under the model checker, and on real threads
/// until it sees the signal (for at most 200 ms). Judged by
/// [`judge_handover`], told by `lesson`.
pub fn handover<S: Send + Sync + 'static>(
    signal: Signal<S>,
    raisers: &'static [(u32, u64)],
    (watchers, looks): (usize, usize),
    lesson: fn(&Handover) -> String,
) -> Scenario<Board<S>, Saw> {
    let [raiser, watcher, raise, call] = signal.names;
    let what = format!("{} {raiser}(s) and {watchers} {watcher}(s)", raisers.len());
    let setup = move || Board {
        signal: (signal.make)(),
        data: raisers.iter().map(|_| AtomicU64::new(0)).collect(),
    };
    let mut scenario = Scenario::new(what, setup).work_for(ms(200));
    for (r, &(tag, payload)) in raisers.iter().enumerate() {
        scenario = scenario.thread(named(raiser, r), move |board: &Board<S>, _: &Turn| {
            pause(ms(1)); // on real threads, the watchers look first
                          // Ordering: Relaxed on purpose: the signal must publish it.
            board.data[r].store(payload, Ordering::Relaxed);
            narrate(format!("writes its payload {payload} (Relaxed)"));
            let won = (signal.raise)(&board.signal, tag);
            narrate(format!("{raise}({tag}) -> {won}"));
            let mut saw = Saw { won: Some(won), looks: Vec::new() };
            look(signal, raisers, board, &mut saw);
            saw
        });
    }
    for w in 0..watchers {
        scenario = scenario.thread(named(watcher, w), move |board: &Board<S>, turn: &Turn| {
            let mut saw = Saw::default();
            let model = cfg!(any(kata_shuttle, kata_loom));
            for i in 1.. {
                let said = look(signal, raisers, board, &mut saw);
                let done = if model { i >= looks } else { said.is_some() || !turn.going() };
                if done {
                    break;
                }
            }
            saw
        });
    }
    scenario.judge(move |board, parts: &[Part<Saw>]| {
        let saws: Vec<Saw> = parts.iter().map(|p| p.result.clone()).collect();
        let last = (signal.look)(&board.signal);
        narrate(format!("every thread joined: {call}() -> {last:?}"));
        judge_handover(raisers, (raiser, watcher), &saws, last).map_err(|p| fail(lesson(&p)))
    })
}

/// Explores each of `all` in turn under this build's model checker, the
/// executions added up; the first failure ends it (for
/// [`crate::model::verdict`]).
#[cfg(any(kata_shuttle, kata_loom))]
pub fn explore_all<S: Send + Sync + 'static, R: Send + 'static>(
    all: &[Scenario<S, R>],
    explain: impl crate::model::Explain + Clone,
) -> Result<kata_sync::model::Explored, kata_sync::model::Failure> {
    let mut explored = kata_sync::model::Explored { executions: 0, how: String::new() };
    for scenario in all {
        let one = scenario.explore(explain.clone())?;
        explored.executions += one.executions;
        explored.how = one.how;
    }
    Ok(explored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_handout_passes_in_any_order() {
        let calls = vec![vec![Some(2), Some(0), None], vec![Some(1), None, None]];
        assert_eq!(judge_handouts(&calls, 0..3), Ok(()));
        // Not asked enough: nothing is missing until someone hears "none".
        assert_eq!(judge_handouts(&[vec![Some(7)]], 5..10), Ok(()));
        assert_eq!(judge_handouts(&[vec![None, None]], 4..4), Ok(()));
    }

    #[test]
    fn each_problem_is_found_and_told() {
        let outside = judge_handouts(
            &[vec![Some(u64::MAX - 1)], vec![None, Some(0)]],
            u64::MAX - 1..u64::MAX,
        );
        assert_eq!(outside, Err(Handout::Outside { value: 0, by: 1 }));
        let twice = judge_handouts(&[vec![Some(0)], vec![Some(1), Some(0)]], 0..3).unwrap_err();
        assert_eq!(twice, Handout::Twice { value: 0, first: 0, second: 1 });
        assert_eq!(twice.to_string(), "callers 0 and 1 both got 0");
        let after = judge_handouts(&[vec![None, Some(1)], vec![Some(0)]], 0..2).unwrap_err();
        assert_eq!(after, Handout::AfterNone { value: 1, by: 0 });
        let soon = judge_handouts(&[vec![Some(1), None]], 0..4).unwrap_err();
        assert_eq!(soon, Handout::NoneTooSoon { missing: 0, more: 2 });
        assert!(soon.to_string().ends_with("but 0 (and 2 more) were never handed out"));
    }

    #[test]
    fn a_fall_is_found_where_it_happens() {
        assert_eq!(first_fall(&[0, 1, 1, 4]), None);
        assert_eq!(first_fall(&[]), None);
        assert_eq!(first_fall(&[0, 3, 2, 1]), Some((2, 3, 2)));
    }
    #[test]
    fn a_count_is_exact_never_falls_and_is_never_ahead() {
        assert_eq!(judge_count(&[0, 3, 3, 6], 6, 6), Ok(()));
        assert_eq!(judge_count(&[0, 3, 1], 6, 6), Err(Count::Fell { before: 3, after: 1 }));
        assert_eq!(judge_count(&[7], 6, 6), Err(Count::Ahead { read: 7, total: 6 }));
        assert_eq!(judge_count(&[], 5, 6), Err(Count::Lost { last: 5, total: 6 }));
    }

    const RAISERS: [(u32, u64); 2] = [(7, 42), (0, 99)];

    fn saw(won: Option<bool>, looks: &[(Option<u32>, Option<u64>)]) -> Saw {
        Saw { won, looks: looks.to_vec() }
    }

    #[test]
    fn a_hand_over_has_one_winner_whose_payload_comes_with_it() {
        let names = ("stopper", "worker");
        let winner = saw(Some(true), &[(Some(7), Some(42))]);
        let loser = saw(Some(false), &[(None, None)]);
        let watcher = saw(None, &[(None, None), (Some(7), Some(42))]);
        let all = [winner.clone(), loser.clone(), watcher];
        assert_eq!(judge_handover(&RAISERS, names, &all, Some(7)), Ok(()));
        let both = [winner.clone(), saw(Some(true), &[(Some(0), Some(99))])];
        let told = judge_handover(&RAISERS, names, &both, Some(7));
        assert_eq!(told, Err(Handover::Winners { won: 2, raises: 2 }));
        let stale = [winner.clone(), loser.clone(), saw(None, &[(Some(7), Some(0))])];
        let told = judge_handover(&RAISERS, names, &stale, Some(7)).unwrap_err();
        let (who, winner_name) = ("worker A".to_string(), "stopper A".to_string());
        assert_eq!(told, Handover::Stale { who, winner: winner_name, tag: 7, read: 0, wrote: 42 });
        let retracted =
            [winner.clone(), loser.clone(), saw(None, &[(Some(7), Some(42)), (None, None)])];
        let told = judge_handover(&RAISERS, names, &retracted, Some(7)).unwrap_err();
        assert!(matches!(told, Handover::Retracted { tag: 7, .. }), "{told:?}");
        let own = [saw(Some(true), &[(None, None)]), loser.clone()];
        let told = judge_handover(&RAISERS, names, &own, Some(7)).unwrap_err();
        assert!(matches!(told, Handover::OwnUnseen { said: None, .. }), "{told:?}");
        let wrong = [winner.clone(), saw(Some(false), &[(Some(0), Some(99))])];
        let told = judge_handover(&RAISERS, names, &wrong, Some(7)).unwrap_err();
        assert!(matches!(told, Handover::WrongTag { said: 0, tag: 7, .. }), "{told:?}");
        let told = judge_handover(&RAISERS, names, &[winner, loser], None);
        assert_eq!(told, Err(Handover::Last { said: None, tag: 7 }));
    }

    #[test]
    fn ranges_and_names_read_as_a_story_writes_them() {
        assert_eq!(span(&(u64::MAX - 2..u64::MAX)), "u64::MAX - 2..u64::MAX");
        assert_eq!(span(&(0..3)), "0..3");
        assert_eq!(named("stopper", 1), "stopper B");
    }
}
