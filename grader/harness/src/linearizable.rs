//! Is a history of concurrent calls linearizable?
//!
//! Real threads call a shared structure and the [`Recorder`] notes when each
//! call began and returned, on one clock that every thread ticks, so that "a
//! returned before b began" is a fact of the run. The history is
//! linearizable when some order of the calls, each taking effect at one
//! instant between its call and its return, gives every call the result it
//! got from a plain sequential [`Model`] of the structure (Herlihy and Wing).
//! [`check`] searches for that order the way Wing and Gong did, with Lowe's
//! memo of the states already tried; a failure is cut down to the shortest
//! prefix of the run that already has no such order, and [`table`] draws it
//! with one column per thread, so the learner sees the interleaving that
//! broke it.
//!
//! Histories should be short (a few threads, a few calls each, many
//! rounds): the search is exponential in the number of calls that overlap.

use std::collections::HashSet;
use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// A sequential specification: the structure as one thread would see it.
pub trait Model: Clone + Hash + Eq {
    type Call: Clone + Debug;
    type Ret: Clone + Debug + PartialEq;
    /// Performs `call` and returns what the sequential structure returns,
    /// or `None` if the call cannot take effect in this state: a blocking
    /// call (a `take` from an empty queue, a `wait` for an event not set)
    /// takes effect only at an instant when it can.
    fn step(&mut self, call: &Self::Call) -> Option<Self::Ret>;
}

/// One call in a history. `ret` is `None` for a call that had not returned
/// when the history was cut (it may or may not have taken effect).
#[derive(Clone, Debug)]
pub struct Op<C, R> {
    pub thread: usize,
    pub call: C,
    pub ret: Option<R>,
    /// Ticks of the recorder's clock: the call began at `begin` and
    /// returned at `end` (`u64::MAX` if it had not).
    pub begin: u64,
    pub end: u64,
}

/// Records calls made by many threads at once.
pub struct Recorder<C, R> {
    clock: AtomicU64,
    ops: Mutex<Vec<Op<C, R>>>,
}

impl<C: Clone, R: Clone> Default for Recorder<C, R> {
    fn default() -> Self {
        Recorder { clock: AtomicU64::new(0), ops: Mutex::new(Vec::new()) }
    }
}

impl<C: Clone, R: Clone> Recorder<C, R> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `f` as thread `thread`'s call `call`, noting when it began and
    /// returned. A call whose `f` panics or never returns stays pending.
    pub fn call(&self, thread: usize, call: C, f: impl FnOnce() -> R) -> R {
        let index = {
            let mut ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
            ops.push(Op {
                thread,
                call,
                ret: None,
                begin: self.clock.fetch_add(1, Ordering::SeqCst),
                end: u64::MAX,
            });
            ops.len() - 1
        };
        let ret = f();
        let end = self.clock.fetch_add(1, Ordering::SeqCst);
        let mut ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        ops[index].ret = Some(ret.clone());
        ops[index].end = end;
        ret
    }

    /// The calls recorded so far, in the order they began.
    pub fn history(&self) -> Vec<Op<C, R>> {
        let mut ops = self.ops.lock().unwrap_or_else(|e| e.into_inner()).clone();
        ops.sort_by_key(|op| op.begin);
        ops
    }
}

/// Why a history is not linearizable: the shortest prefix of it that has no
/// sequential order, as a history of its own (calls still running at the cut
/// are pending).
#[derive(Clone, Debug)]
pub struct Violation<C, R> {
    pub prefix: Vec<Op<C, R>>,
}

/// `Ok` with one order that explains `history` (indices into it), or the
/// shortest prefix that has none.
///
/// # Errors
/// The [`Violation`] when no sequential order gives every call its result.
pub fn check<M: Model>(
    initial: &M,
    history: &[Op<M::Call, M::Ret>],
) -> Result<Vec<usize>, Violation<M::Call, M::Ret>> {
    if let Some(order) = linearize(initial, history) {
        return Ok(order);
    }
    // Linearizability holds for every prefix of a linearizable history, so
    // the shortest failing prefix is found by bisection over the instants at
    // which a call returned.
    let mut cuts: Vec<u64> = history.iter().map(|op| op.end).filter(|&e| e != u64::MAX).collect();
    cuts.sort_unstable();
    let (mut lo, mut hi) = (0, cuts.len().saturating_sub(1));
    while lo < hi {
        let mid = (lo + hi) / 2;
        if linearize(initial, &cut(history, cuts[mid])).is_some() {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let prefix = cuts.get(lo).map_or_else(|| history.to_vec(), |&at| cut(history, at));
    Err(Violation { prefix })
}

/// The history as it stood just after tick `at`.
fn cut<C: Clone, R: Clone>(history: &[Op<C, R>], at: u64) -> Vec<Op<C, R>> {
    history
        .iter()
        .filter(|op| op.begin <= at)
        .map(|op| {
            let mut op = op.clone();
            if op.end > at {
                (op.ret, op.end) = (None, u64::MAX);
            }
            op
        })
        .collect()
}

fn linearize<M: Model>(initial: &M, history: &[Op<M::Call, M::Ret>]) -> Option<Vec<usize>> {
    let words = history.len().div_ceil(64).max(1);
    let mut search = Search { history, seen: HashSet::new(), order: Vec::new() };
    search.from(initial.clone(), vec![0u64; words]).then_some(search.order)
}

struct Search<'h, M: Model> {
    history: &'h [Op<M::Call, M::Ret>],
    seen: HashSet<(Vec<u64>, M)>,
    order: Vec<usize>,
}

impl<M: Model> Search<'_, M> {
    /// Can the calls not in `done` be ordered after `state`?
    fn from(&mut self, state: M, done: Vec<u64>) -> bool {
        let is_done = |i: usize| done[i / 64] & (1 << (i % 64)) != 0;
        let open: Vec<usize> = (0..self.history.len()).filter(|&i| !is_done(i)).collect();
        if open.iter().all(|&i| self.history[i].ret.is_none()) {
            return true;
        }
        if !self.seen.insert((done.clone(), state.clone())) {
            return false;
        }
        // A call may take effect next only if no open call returned before
        // it began.
        let first_return = open.iter().map(|&i| self.history[i].end).min().unwrap_or(u64::MAX);
        for &i in &open {
            let op = &self.history[i];
            if op.begin > first_return {
                continue;
            }
            let mut next = state.clone();
            let Some(got) = next.step(&op.call) else {
                continue;
            };
            if op.ret.as_ref().is_some_and(|ret| *ret != got) {
                continue;
            }
            let mut done = done.clone();
            done[i / 64] |= 1 << (i % 64);
            self.order.push(i);
            if self.from(next, done) {
                return true;
            }
            self.order.pop();
        }
        false
    }
}

/// `None` if `history` is linearizable from `initial`; else the lines that
/// say why not: a sentence ending "... the result `model` would give:" (`model`
/// as in "an event that starts cleared"), then the [`table`] of the shortest
/// failing prefix, indented.
pub fn contradiction<M>(
    initial: &M,
    history: &[Op<M::Call, M::Ret>],
    model: &str,
) -> Option<Vec<String>>
where
    M: Model,
    M::Call: Display,
    M::Ret: Display,
{
    let violation = check(initial, history).err()?;
    let mut lines = vec![format!(
        "No order of these calls, each taking effect at one moment between its call and its \
         return, gives every call the result {model} would give:"
    )];
    lines.extend(table(&violation.prefix).into_iter().map(|row| format!("  {row}")));
    Some(lines)
}

/// The history as a table: a row per event, a column per thread; a call
/// shows as `put(3) …`, its return as `… → 3`, and `│` while it runs.
pub fn table<C: Display, R: Display>(history: &[Op<C, R>]) -> Vec<String> {
    let threads = history.iter().map(|op| op.thread).max().map_or(0, |t| t + 1);
    let mut events: Vec<(u64, usize, bool)> = Vec::new();
    for (i, op) in history.iter().enumerate() {
        events.push((op.begin, i, true));
        if op.end != u64::MAX {
            events.push((op.end, i, false));
        }
    }
    events.sort_unstable();
    let cell = |i: usize, begins: bool| {
        let op = &history[i];
        match (begins, &op.ret) {
            (true, _) => format!("{} …", op.call),
            (false, Some(ret)) => format!("… → {ret}"),
            (false, None) => String::new(),
        }
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut running: Vec<Option<usize>> = vec![None; threads];
    for &(_, i, begins) in &events {
        let thread = history[i].thread;
        let mut row: Vec<String> = running
            .iter()
            .map(|r| if r.is_some() { "│".to_string() } else { String::new() })
            .collect();
        row[thread] = cell(i, begins);
        running[thread] = begins.then_some(i);
        rows.push(row);
    }
    let last: Vec<String> = running
        .iter()
        .map(|r| if r.is_some() { "(still running)".to_string() } else { String::new() })
        .collect();
    if last.iter().any(|c| !c.is_empty()) {
        rows.push(last);
    }
    let header: Vec<String> = (0..threads).map(|t| format!("thread {t}")).collect();
    let widths: Vec<usize> = (0..threads)
        .map(|t| {
            rows.iter().map(|r| r[t].chars().count()).chain([header[t].len()]).max().unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(c, &w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_string()
    };
    std::iter::once(line(&header)).chain(rows.iter().map(|r| line(r))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A register holding one number: `Some(v)` writes, `None` reads.
    #[derive(Clone, Hash, PartialEq, Eq, Default)]
    struct Register(u32);

    impl Model for Register {
        type Call = Option<u32>;
        type Ret = u32;
        fn step(&mut self, call: &Option<u32>) -> Option<u32> {
            if let Some(v) = call {
                self.0 = *v;
            }
            Some(self.0)
        }
    }

    fn op(
        thread: usize,
        call: Option<u32>,
        ret: Option<u32>,
        begin: u64,
        end: u64,
    ) -> Op<Option<u32>, u32> {
        Op { thread, call, ret, begin, end }
    }

    #[test]
    fn overlapping_calls_may_take_effect_in_either_order() {
        // Thread 0 writes 1 while thread 1 reads: the read may see 0 or 1.
        for seen in [0, 1] {
            let history = [op(0, Some(1), Some(1), 0, 3), op(1, None, Some(seen), 1, 2)];
            assert!(check(&Register::default(), &history).is_ok(), "read of {seen}");
        }
    }

    #[test]
    fn a_stale_read_after_the_write_returned_is_caught() {
        // The write returned (tick 1) before the read began (tick 2), yet
        // the read saw the old value.
        let history = [
            op(0, Some(1), Some(1), 0, 1),
            op(1, None, Some(0), 2, 3),
            op(0, Some(2), Some(2), 4, 5),
        ];
        let violation = check(&Register::default(), &history).unwrap_err();
        // The shortest failing prefix stops at the read's return.
        assert_eq!(violation.prefix.len(), 2);
        let shown: Vec<Op<String, u32>> = violation
            .prefix
            .iter()
            .map(|op| Op {
                thread: op.thread,
                call: format!("{:?}", op.call),
                ret: op.ret,
                begin: op.begin,
                end: op.end,
            })
            .collect();
        assert_eq!(
            table(&shown),
            ["thread 0   thread 1", "Some(1) …", "… → 1", "           None …", "           … → 0",]
        );
    }

    #[test]
    fn a_pending_call_may_or_may_not_have_taken_effect() {
        for seen in [0, 7] {
            let history = [op(0, Some(7), None, 0, u64::MAX), op(1, None, Some(seen), 1, 2)];
            assert!(check(&Register::default(), &history).is_ok());
        }
        let impossible = [op(0, Some(7), None, 0, u64::MAX), op(1, None, Some(5), 1, 2)];
        assert!(check(&Register::default(), &impossible).is_err());
    }

    #[test]
    fn the_recorder_orders_calls_by_one_clock() {
        let recorder = Recorder::new();
        let value = std::sync::Mutex::new(Register::default());
        std::thread::scope(|s| {
            for t in 0..3u32 {
                let (recorder, value) = (&recorder, &value);
                s.spawn(move || {
                    for i in 0..20 {
                        let call = (i % 2 == 0).then_some(t * 100 + i);
                        recorder
                            .call(t as usize, call, || value.lock().unwrap().step(&call).unwrap());
                    }
                });
            }
        });
        let history = recorder.history();
        assert_eq!(history.len(), 60);
        assert!(history.iter().all(|op| op.begin < op.end && op.ret.is_some()));
        // A lock makes a register linearizable, whatever the interleaving.
        assert!(check(&Register::default(), &history).is_ok());
    }

    /// A one-slot mailbox: `Some(v)` puts (blocks while full), `None` takes
    /// (blocks while empty).
    #[derive(Clone, Hash, PartialEq, Eq, Default)]
    struct Slot(Option<u32>);

    impl Model for Slot {
        type Call = Option<u32>;
        type Ret = u32;
        fn step(&mut self, call: &Option<u32>) -> Option<u32> {
            match call {
                Some(v) if self.0.is_none() => {
                    self.0 = Some(*v);
                    Some(*v)
                }
                None => self.0.take(),
                Some(_) => None,
            }
        }
    }

    #[test]
    fn a_blocking_call_takes_effect_only_when_it_can() {
        // The take began first but can only complete after the put.
        let waited = [op(1, None, Some(4), 0, 3), op(0, Some(4), Some(4), 1, 2)];
        assert_eq!(check(&Slot::default(), &waited).unwrap(), [1, 0]);
        // A take that returned before any put began took from an empty slot.
        let early = [op(1, None, Some(4), 0, 1), op(0, Some(4), Some(4), 2, 3)];
        assert!(check(&Slot::default(), &early).is_err());
        // Two puts into one slot with no take between: the second must wait.
        let both = [op(0, Some(1), Some(1), 0, 1), op(1, Some(2), Some(2), 2, 3)];
        assert!(check(&Slot::default(), &both).is_err());
    }

    /// A flag, its calls named: "up" raises it, "look" reads it.
    #[derive(Clone, Hash, PartialEq, Eq, Default)]
    struct Bit(bool);

    impl Model for Bit {
        type Call = &'static str;
        type Ret = bool;
        fn step(&mut self, call: &&'static str) -> Option<bool> {
            self.0 |= *call == "up";
            Some(self.0)
        }
    }

    #[test]
    fn a_contradiction_is_told_with_its_table() {
        let fine = [Op { thread: 0, call: "up", ret: Some(true), begin: 0, end: 1 }];
        assert_eq!(contradiction(&Bit::default(), &fine, "a flag"), None);
        let stale =
            [fine[0].clone(), Op { thread: 1, call: "look", ret: Some(false), begin: 2, end: 3 }];
        let lines = contradiction(&Bit::default(), &stale, "a flag").unwrap();
        assert!(lines[0].starts_with("No order of these calls"), "{}", lines[0]);
        assert!(lines[0].ends_with("the result a flag would give:"), "{}", lines[0]);
        assert_eq!(
            lines[1..],
            [
                "  thread 0  thread 1",
                "  up …",
                "  … → true",
                "            look …",
                "            … → false"
            ]
        );
    }
}
