//! Rounds of recorded histories on real threads, each judged linearizable.
//!
//! A shared structure's check is mostly the same loop: a fresh structure
//! per round, a few threads released together by a barrier, each making a
//! few calls that a seeded generator picks (so the mixes vary from round to
//! round, the same way every run), every call recorded, and the history
//! checked against a sequential [`Model`]. [`judge_rounds`] is that loop; a
//! check gives the structure, a thread's script, the model, and the advice
//! that ends a failure. The failure shows the shortest failing part of the
//! history as a table, one column per thread.
//!
//! Before any of that, [`judge_sequence`] makes a fixed list of calls on one
//! thread against the same model: the basics, told call by call.

use crate::linearizable::{contradiction, Model, Recorder};
use crate::{fail, pass, Outcome, Verdict};
use std::fmt::Display;
use std::sync::Barrier;

/// The choices of one thread in one round: a small linear congruential
/// generator seeded by the round and the thread.
pub struct Choices(u64);

impl Choices {
    pub fn new(round: u64, thread: usize) -> Choices {
        Choices(round * 31 + thread as u64 * 7 + 1)
    }

    /// One of `0..n`.
    pub fn pick(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Where a round stands, for a thread's script.
pub struct Thread<'a, M: Model> {
    pub index: usize,
    pub choices: Choices,
    recorder: &'a Recorder<M::Call, M::Ret>,
}

impl<M: Model> Thread<'_, M> {
    /// Makes `call` with `f`, recorded as this thread's.
    pub fn call(&self, call: M::Call, f: impl FnOnce() -> M::Ret) -> M::Ret {
        self.recorder.call(self.index, call, f)
    }
}

/// Runs `rounds` rounds of `threads` threads, each running `script` on a
/// fresh `make()`, and requires every history to be linearizable from
/// `initial`. `what` names a round ("3 threads on 2 permits"); `model`
/// completes "... a plain one-threaded `<model>` would give"; `advice` ends a
/// failure.
///
/// # Errors
/// The first round whose history has no sequential order, with its table.
pub fn judge_rounds<M, S, F>(
    what: &str,
    (rounds, threads): (u64, usize),
    initial: &M,
    model: &str,
    make: impl Fn() -> S,
    script: F,
    advice: &str,
) -> Verdict
where
    M: Model,
    M::Call: Display + Send + Sync,
    M::Ret: Display + Send + Sync,
    S: Sync,
    F: Fn(&S, &mut Thread<'_, M>) + Sync,
{
    for round in 0..rounds {
        let state = make();
        let recorder = Recorder::new();
        let start = Barrier::new(threads);
        std::thread::scope(|s| {
            for index in 0..threads {
                let (state, recorder, start, script) = (&state, &recorder, &start, &script);
                s.spawn(move || {
                    start.wait();
                    let choices = Choices::new(round, index);
                    script(state, &mut Thread { index, choices, recorder });
                });
            }
        });
        if let Some(mut lines) = contradiction(initial, &recorder.history(), model) {
            lines.push(advice.to_string());
            return Err(fail(format!(
                "round {} of {rounds} ({what}): the calls' results contradict each other",
                round + 1
            ))
            .details(lines));
        }
    }
    Ok(pass(format!("{rounds} rounds of {what}: every history linearizable")))
}

/// Makes `calls` one after another on this thread, each with `perform`, and
/// requires each to return what the sequential model `initial` returns.
/// A failure tells every call so far with what it returned, what the last
/// one should have returned, and `lesson(call)`: the likely mistake behind a
/// wrong answer to that call. Returns how many calls were made.
///
/// # Errors
/// The first call whose result is not the model's.
///
/// # Panics
/// If a call could not take effect in the model (it would block for ever on
/// one thread): that is a mistake in the check's list, not in the learner's code.
pub fn judge_sequence<M, L>(
    initial: &M,
    calls: impl IntoIterator<Item = M::Call>,
    mut perform: impl FnMut(&M::Call) -> M::Ret,
    lesson: impl Fn(&M::Call) -> L,
) -> Result<usize, Outcome>
where
    M: Model,
    M::Call: Display,
    M::Ret: Display,
    L: Display,
{
    let (mut model, mut told) = (initial.clone(), Vec::new());
    for call in calls {
        let want = model.step(&call).expect("the check's calls never block on one thread");
        let got = perform(&call);
        told.push(format!("{call} → {got}"));
        if got != want {
            return Err(fail(format!(
                "on one thread, {}: the last should be {want}. {}.",
                told.join("; "),
                lesson(&call)
            )));
        }
    }
    Ok(told.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    /// A register: `Some(v)` writes, `None` reads; every call returns the value.
    #[derive(Clone, Hash, PartialEq, Eq, Default)]
    struct Register(u32);

    impl Model for Register {
        type Call = String;
        type Ret = u32;
        fn step(&mut self, call: &String) -> Option<u32> {
            if let Some(v) = call.strip_prefix("write ") {
                self.0 = v.parse().unwrap();
            }
            Some(self.0)
        }
    }

    fn script<S>(
        write: impl Fn(&S, u32) -> u32 + Sync,
        read: impl Fn(&S) -> u32 + Sync,
    ) -> impl Fn(&S, &mut Thread<'_, Register>) + Sync {
        move |state, thread| {
            for _ in 0..6 {
                let v = thread.choices.pick(3) as u32;
                if v == 0 {
                    thread.call("read".into(), || read(state));
                } else {
                    thread.call(format!("write {v}"), || write(state, v));
                }
            }
        }
    }

    #[test]
    fn choices_repeat_and_stay_in_range() {
        let (mut a, mut b) = (Choices::new(4, 1), Choices::new(4, 1));
        let picks: Vec<u64> = (0..20).map(|_| a.pick(5)).collect();
        assert!(picks.iter().all(|&p| p < 5));
        assert_eq!(picks, (0..20).map(|_| b.pick(5)).collect::<Vec<_>>());
    }

    #[test]
    fn a_locked_register_passes_every_round() {
        let verdict = judge_rounds(
            "3 threads on a register",
            (20, 3),
            &Register::default(),
            "a register",
            || Mutex::new(0u32),
            script(
                |m: &Mutex<u32>, v| {
                    *m.lock().unwrap() = v;
                    v
                },
                |m| *m.lock().unwrap(),
            ),
            "",
        );
        assert!(verdict.is_ok(), "{verdict:?}");
    }

    #[test]
    fn a_register_that_forgets_writes_fails_with_its_table() {
        let failure = judge_rounds(
            "3 threads on a register",
            (20, 3),
            &Register::default(),
            "a register",
            || AtomicU32::new(0),
            // Writes return the value but never store it.
            script(|_: &AtomicU32, v| v, |a| a.load(Ordering::SeqCst)),
            "store what you write",
        )
        .unwrap_err();
        assert!(failure.message.contains(" of 20 (3 threads"), "{}", failure.message);
        assert!(failure.details.iter().any(|d| d.contains("thread 0")), "{:?}", failure.details);
        assert_eq!(failure.details.last().unwrap(), "store what you write");
    }

    #[test]
    fn a_sequence_is_told_call_by_call_up_to_the_wrong_one() {
        let calls = ["write 2", "read", "write 1", "read"].map(String::from);
        let stored = std::cell::Cell::new(0);
        let made = judge_sequence(
            &Register::default(),
            calls.clone(),
            |call| {
                if let Some(v) = call.strip_prefix("write ") {
                    stored.set(v.parse().unwrap());
                }
                stored.get()
            },
            |_| "",
        );
        assert_eq!(made.ok(), Some(4));
        // A register that keeps its first write only.
        let first = std::cell::Cell::new(None);
        let failure = judge_sequence(
            &Register::default(),
            calls,
            |call| {
                if let Some(v) = call.strip_prefix("write ") {
                    first.set(first.get().or(v.parse().ok()));
                }
                first.get().unwrap_or(0)
            },
            |call| format!("{call} went wrong"),
        )
        .unwrap_err();
        assert_eq!(
            failure.message,
            "on one thread, write 2 → 2; read → 2; write 1 → 2: the last should be 1. write 1 went wrong."
        );
    }
}
