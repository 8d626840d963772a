//! Did threads take their turns? A log of who ran when, and the first place
//! it broke from the order wanted.
//!
//! Checks of ordering exercises hand learner code closures that call
//! [`Turns::record`] with a label ("first", "foo"); afterwards the log is
//! compared with the sequence wanted. [`first_break`] finds the first step
//! that differs and [`Break`] says it in a sentence, with the log up to
//! there. The log is a std `Mutex` held only to push, never across anything
//! a model checker schedules, so it serves real threads and shuttle alike.

use std::fmt::Display;
use std::sync::Mutex;

/// Labels in the order their closures ran.
#[derive(Debug, Default)]
pub struct Turns {
    log: Mutex<Vec<&'static str>>,
}

impl Turns {
    pub fn new() -> Turns {
        Turns::default()
    }

    /// Notes that the closure labelled `who` is running now.
    pub fn record(&self, who: &'static str) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).push(who);
    }

    /// Notes that `who` is running now, and says where the log so far
    /// leaves `wanted`, if it does: a check can stop at the first closure
    /// that ran out of turn, before the threads it left waiting hang.
    pub fn record_checked(&self, who: &'static str, wanted: &[&'static str]) -> Option<Break> {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.push(who);
        prefix_break(&log, wanted)
    }

    /// The log so far.
    pub fn log(&self) -> Vec<&'static str> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The first step where a log left the order wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The step (from 0) where it differs.
    pub at: usize,
    /// What should have run there (`None`: nothing more).
    pub wanted: Option<&'static str>,
    /// What ran there (`None`: the log ended).
    pub got: Option<&'static str>,
    /// The log up to and including the step that broke.
    pub so_far: Vec<&'static str>,
}

impl Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let step = self.at + 1;
        let seen =
            if self.so_far.is_empty() { "nothing".to_string() } else { self.so_far.join(", ") };
        match (self.wanted, self.got) {
            (Some(w), Some(g)) => write!(f, "run {step} was {g}, where {w} was due (ran: {seen})"),
            (Some(w), None) => write!(f, "{w} never ran as run {step} (ran: {seen})"),
            (None, Some(g)) => write!(f, "{g} ran once too many, as run {step} (ran: {seen})"),
            (None, None) => write!(f, "no break"),
        }
    }
}

/// The first step where `got` differs from `wanted`, or `None` if they are
/// the same.
pub fn first_break(got: &[&'static str], wanted: &[&'static str]) -> Option<Break> {
    let at = (0..got.len().max(wanted.len())).find(|&i| got.get(i) != wanted.get(i))?;
    Some(Break {
        at,
        wanted: wanted.get(at).copied(),
        got: got.get(at).copied(),
        so_far: got[..got.len().min(at + 1)].to_vec(),
    })
}

/// The first step of `got` (a log still growing) that differs from
/// `wanted`: `None` while `got` is a beginning of `wanted`.
pub fn prefix_break(got: &[&'static str], wanted: &[&'static str]) -> Option<Break> {
    let at = (0..got.len()).find(|&i| Some(&got[i]) != wanted.get(i))?;
    first_break(&got[..=at], wanted)
}

/// `a, b, a, b, ...`: `n` of each, `a` first.
pub fn alternating(a: &'static str, b: &'static str, n: usize) -> Vec<&'static str> {
    (0..n).flat_map(|_| [a, b]).collect()
}

/// How many times `who` appears in `log`.
pub fn count(log: &[&'static str], who: &str) -> usize {
    log.iter().filter(|&&l| l == who).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_order_of_the_calls() {
        let turns = Turns::new();
        std::thread::scope(|s| {
            s.spawn(|| turns.record("first")).join().unwrap();
            s.spawn(|| turns.record("second")).join().unwrap();
        });
        turns.record("third");
        assert_eq!(turns.log(), ["first", "second", "third"]);
        assert_eq!(first_break(&turns.log(), &["first", "second", "third"]), None);
    }

    #[test]
    fn a_break_names_the_step_and_what_was_due() {
        let wanted = ["first", "second", "third"];
        let swapped = first_break(&["first", "third", "second"], &wanted).unwrap();
        assert_eq!(swapped.at, 1);
        assert_eq!(
            swapped.to_string(),
            "run 2 was third, where second was due (ran: first, third)"
        );
        let short = first_break(&["first"], &wanted).unwrap();
        assert_eq!(short.to_string(), "second never ran as run 2 (ran: first)");
        let long = first_break(&["first", "second", "third", "third"], &wanted).unwrap();
        assert_eq!(
            long.to_string(),
            "third ran once too many, as run 4 (ran: first, second, third, third)"
        );
    }

    #[test]
    fn a_growing_log_breaks_at_the_first_step_out_of_turn() {
        let wanted = ["first", "second", "third"];
        assert_eq!(prefix_break(&["first"], &wanted), None);
        assert_eq!(prefix_break(&[], &wanted), None);
        let early = prefix_break(&["third"], &wanted).unwrap();
        assert_eq!(early.to_string(), "run 1 was third, where first was due (ran: third)");
        let turns = Turns::new();
        assert_eq!(turns.record_checked("first", &wanted), None);
        let again = turns.record_checked("first", &wanted).unwrap();
        assert_eq!((again.at, again.got), (1, Some("first")));
        let extra = prefix_break(&["first", "second", "third", "first"], &wanted).unwrap();
        assert_eq!(extra.wanted, None);
    }

    #[test]
    fn alternation_and_counts() {
        let want = alternating("foo", "bar", 2);
        assert_eq!(want, ["foo", "bar", "foo", "bar"]);
        assert_eq!(count(&want, "bar"), 2);
        let twice = first_break(&["foo", "foo", "bar", "bar"], &want).unwrap();
        assert_eq!(twice.at, 1);
        assert_eq!(twice.got, Some("foo"));
        assert!(alternating("foo", "bar", 0).is_empty());
    }
}
