//! Verdicts from model checking (feature `model`): what a race exercise's
//! checks return after exploring a scenario under shuttle or loom. Only in
//! the grader's model-checking builds (`--cfg kata_shuttle` or
//! `--cfg kata_loom`), where there is a model checker to report on.
//!
//! [`verdict`] turns an exploration into a pass or a failure that tells the
//! failing interleaving step by step (repeats folded, long stories cut),
//! says who held and who waited for which lock when it deadlocked (from the
//! facade's own watch, `kata_sync::watch`), and prints the command that
//! replays the schedule. [`explore`] is `kata_sync::model::explore` plus one
//! thing loom needs: loom reports a deadlock by a panic that cannot unwind,
//! so the process aborts before the exploration returns; the failure is
//! judged and delivered from the panic hook first.

use crate::{fail, pass, Verdict};
use kata_sync::model::{Explored, Failure};
use kata_sync::watch::{self, Wait};

/// A story is cut after this many lines (a spinning thread would tell
/// thousands).
pub const STORY_LINES: usize = 40;

/// What a failure means, in the words of the exercise: the sentence that
/// teaches (what broke, and which fix it points to).
pub trait Explain: Fn(&Failure) -> String + Send + Sync + 'static {}

impl<F: Fn(&Failure) -> String + Send + Sync + 'static> Explain for F {}

/// Explores `test` under this build's model checker. Under loom, a
/// deadlock is judged by `explain` and delivered before loom aborts.
pub fn explore<F>(test: F, explain: impl Explain) -> Result<Explored, Failure>
where
    F: Fn() + Send + Sync + 'static,
{
    let explain = std::sync::Arc::new(explain);
    kata_sync::model::explore(move || {
        #[cfg(kata_loom)]
        report_deadlock_before_abort(explain.clone());
        #[cfg(not(kata_loom))]
        let _ = &explain;
        test()
    })
}

/// [`explore`] for each of `cases` in turn (sizes, say), the executions
/// added up; the first failure ends it.
pub fn explore_each<C, F>(
    cases: &[C],
    explain: impl Explain + Clone,
    test: F,
) -> Result<Explored, Failure>
where
    C: Copy + Send + Sync + 'static,
    F: Fn(C) + Clone + Send + Sync + 'static,
{
    let mut executions = 0;
    let mut how = String::new();
    for &case in cases {
        let test = test.clone();
        let explored = explore(move || test(case), explain.clone())?;
        executions += explored.executions;
        how = explored.how;
    }
    Ok(Explored { executions, how })
}

/// [`explore`], then [`verdict`].
pub fn check<F>(passed: &str, explain: impl Explain + Clone, test: F) -> Verdict
where
    F: Fn() + Send + Sync + 'static,
{
    verdict(explore(test, explain.clone()), passed, explain)
}

/// The lesson of a failure picked by the tag its panic carries: the text
/// of the first of `lessons` whose tag is in the message (a panic "POLLS: a
/// waiter slept" picks `("POLLS", ...)`); else `deadlock` when the checker
/// found every thread stuck; else the message itself.
pub fn by_tag(failure: &Failure, lessons: &[(&str, &str)], deadlock: &str) -> String {
    match lessons.iter().find(|(tag, _)| failure.message.contains(tag)) {
        Some((_, lesson)) => lesson.to_string(),
        None if failure.deadlock => deadlock.to_string(),
        None => failure.message.clone(),
    }
}

/// What a tagged panic said after its tag, to the end of that line: for a
/// message "EMPTY: take() on an empty queue", `after_tag(failure, "EMPTY: ")`
/// is "take() on an empty queue". Empty when the tag is not there.
pub fn after_tag<'a>(failure: &'a Failure, tag: &str) -> &'a str {
    let after = failure.message.split_once(tag).map_or("", |(_, t)| t);
    after.lines().next().unwrap_or(after)
}

/// Yields (a bounded number of times) until `n` threads sleep in a
/// `Condvar` wait: a scenario's way to act only once its waiters are asleep.
/// A design that never sleeps on a `Condvar` (channels) just goes on.
/// Shuttle only: loom's `Condvar` does not say who sleeps.
#[cfg(kata_shuttle)]
pub fn until_asleep(n: usize) {
    for _ in 0..100 {
        if kata_sync::model::asleep() >= n {
            return;
        }
        kata_sync::thread::yield_now();
    }
}

/// Tells that `what` returned `said`, and when it returned something to
/// hold (`held` is `Some`: a permit, a guard), holds it for one step of the
/// schedule inside `gauge`, then tells that it lets it go: how a scenario
/// counts holders at once (`gauge.peak()`) in every interleaving.
pub fn hold<T>(what: &str, said: &str, held: Option<T>, gauge: &crate::measure::Gauge) {
    kata_sync::model::narrate(format!("{what}: {said}"));
    if let Some(held) = held {
        let inside = gauge.enter();
        kata_sync::thread::yield_now();
        kata_sync::model::narrate("lets it go");
        drop((inside, held));
    }
}

/// Joins a model thread and returns what it returned; if it panicked, the
/// panic goes on in the caller, so the exploration fails with its message.
pub fn join<T>(handle: kata_sync::thread::JoinHandle<T>) -> T {
    handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Turns the result of an exploration into a verdict.
///
/// - `passed`: what held in every schedule, completing "... in every one";
/// - `explain`: from the failure, the sentence that teaches (what broke and
///   which fix it points to). A stub's `todo!` is recognised first.
///
/// # Errors
/// The failure, told.
pub fn verdict(
    result: Result<Explored, Failure>,
    passed: &str,
    explain: impl FnOnce(&Failure) -> String,
) -> Verdict {
    match result {
        Ok(explored) => Ok(pass(format!(
            "{} schedules tried ({}): {passed} in every one",
            explored.executions, explored.how
        ))),
        Err(failure) if failure.message.contains("not yet implemented") => {
            Err(fail(crate::panicking::STILL_A_STUB))
        }
        // The grader's own word (a replay token that names no schedule).
        Err(failure) if failure.message.starts_with("kata: ") => Err(fail(failure.message)),
        Err(mut failure) => {
            if failure.deadlock {
                for wait in watch::waits() {
                    failure.trace.push(waiting_line(&wait));
                }
            }
            let mut outcome = fail(explain(&failure)).figure(
                "schedules tried before the failure",
                failure.executions,
                "none fails",
            );
            let story = readable(&failure.trace);
            if !story.is_empty() {
                outcome = outcome.detail("The interleaving that broke it, step by step:");
                for line in story {
                    outcome = outcome.detail(format!("  {line}"));
                }
            }
            if failure.deadlock {
                outcome = outcome.detail(format!(
                    "What the model checker saw: {}",
                    first_line(&failure.message)
                ));
            }
            let mut outcome = outcome.detail(format!(
                "See it again, alone: cargo kata check {} --replay {}",
                exercise(),
                failure.replay
            ));
            outcome.seed = Some(failure.replay.clone());
            Err(outcome)
        }
    }
}

/// After a deadlock, who held what and waited for what, as one sentence:
/// "thread A holds account 1 and waits for account 2, while thread B holds
/// account 2 and waits for account 1". `None` if no thread waited for a lock
/// (the facade's locks were not the ones waited on).
pub fn deadlock_story() -> Option<String> {
    let clauses: Vec<String> = watch::waits()
        .iter()
        .map(|wait| {
            let holds = match wait.holds.as_slice() {
                [] => String::new(),
                held => format!("holds {} and ", held.join(" and ")),
            };
            format!("{} {holds}waits for {}", wait.who, wait.wants)
        })
        .collect();
    Some(match clauses.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [one, two] => format!("{one}, while {two}"),
        [most @ .., last] => format!("{}, and {last}", most.join(", ")),
    })
}

/// After a deadlock, a lock held by a thread that is blocked on something
/// that is not a lock (a channel's `recv`, a `Condvar` wait, a join), while
/// another thread waits for that lock: "second thread holds lock 1, which
/// first thread waits for, and is blocked with it held". `None` when every
/// holder waits for a lock too (a cycle of locks: [`deadlock_story`]).
pub fn blocked_holding() -> Option<String> {
    let waits = watch::waits();
    waits.iter().find_map(|wait| {
        let holder = wait.holder.as_ref().filter(|h| **h != wait.who)?;
        let waits_too = waits.iter().any(|other| other.who == *holder);
        (!waits_too).then(|| {
            format!(
                "{holder} holds {}, which {} waits for, and is blocked with it held",
                wait.wants, wait.who
            )
        })
    })
}

/// Whether a thread waited for a lock it held itself: a `Mutex` locked
/// twice on one thread (shuttle stops such a thread at once, saying so).
pub fn locked_twice(failure: &Failure) -> bool {
    failure.message.contains("already holds")
        || watch::waits().iter().any(|w| w.holds.contains(&w.wants))
}

/// "thread A: waits for account 2, which thread B holds".
fn waiting_line(wait: &Wait) -> String {
    let by = match &wait.holder {
        Some(holder) if *holder == wait.who => " (which it holds itself)".to_string(),
        Some(holder) => format!(", which {holder} holds"),
        None => String::new(),
    };
    format!("{}: waits for {}{by}", wait.who, wait.wants)
}

/// The story as the learner reads it: names aligned, repeated lines folded
/// (`(× 3)`), cut after [`STORY_LINES`].
pub fn readable(trace: &[String]) -> Vec<String> {
    let split: Vec<(&str, &str)> =
        trace.iter().map(|line| line.split_once(": ").unwrap_or(("", line))).collect();
    let width = split.iter().map(|(who, _)| who.len()).max().unwrap_or(0);
    let mut folded: Vec<(String, usize)> = Vec::new();
    for (who, event) in split {
        let line = if who.is_empty() {
            event.to_string()
        } else {
            format!("{who}:{:pad$} {event}", "", pad = width - who.len())
        };
        match folded.last_mut() {
            Some((last, times)) if *last == line => *times += 1,
            _ => folded.push((line, 1)),
        }
    }
    let total = folded.len();
    let mut story: Vec<String> = folded
        .into_iter()
        .take(STORY_LINES)
        .map(|(line, times)| if times > 1 { format!("{line}   (× {times})") } else { line })
        .collect();
    if total > STORY_LINES {
        story.push(format!("... and {} more steps", total - STORY_LINES));
    }
    story
}

/// The exercise's id for the replay command: the grader's, else the checks
/// binary's own name (`ex03-lost-update-checks` -> `ex03`).
fn exercise() -> String {
    crate::exercise_id().unwrap_or_else(|| {
        std::env::args()
            .next()
            .and_then(|path| {
                let name = std::path::Path::new(&path).file_name()?.to_str()?.to_string();
                name.split('-').next().map(str::to_string)
            })
            .unwrap_or_else(|| "<exercise>".into())
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// Sets, for the current execution, a panic hook that judges and delivers a
/// loom deadlock: loom's `deadlock` panic cannot unwind, and the process
/// aborts right after the hook returns. Other panics stay silent (the
/// exploration reports them). Set at every execution: `explore` sets a
/// silent hook of its own around each.
#[cfg(kata_loom)]
fn report_deadlock_before_abort(explain: std::sync::Arc<dyn Fn(&Failure) -> String + Send + Sync>) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if !text.starts_with("deadlock") {
            return;
        }
        let executions = kata_sync::model::executions_so_far();
        let failure = Failure {
            message: text,
            deadlock: true,
            replay: format!("loom-{executions}"),
            trace: kata_sync::model::story(),
            executions,
        };
        let outcome = match verdict(Err(failure), "", |f| explain(f)) {
            Ok(outcome) | Err(outcome) => outcome,
        };
        crate::deliver(outcome)
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stories_align_fold_and_stop() {
        let trace: Vec<String> = ["caller: calls f", "thread 1: load()", "thread 1: load()"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(readable(&trace), ["caller:   calls f", "thread 1: load()   (× 2)"]);
        let long: Vec<String> = (0..STORY_LINES + 5).map(|i| format!("A: step {i}")).collect();
        let story = readable(&long);
        assert_eq!(story.len(), STORY_LINES + 1);
        assert_eq!(story.last().unwrap(), "... and 5 more steps");
    }

    #[test]
    fn a_failure_tells_its_story_and_its_replay() {
        let failure = Failure {
            message: "counted 3 of 4".into(),
            deadlock: false,
            replay: "random-7".into(),
            trace: vec!["thread A: locks account 1".into()],
            executions: 8,
        };
        let outcome = verdict(Err(failure), "", |f| format!("{}: lost", f.message)).unwrap_err();
        assert_eq!(outcome.message, "counted 3 of 4: lost");
        assert_eq!(outcome.seed.as_deref(), Some("random-7"));
        assert!(outcome.details.iter().any(|d| d == "  thread A: locks account 1"));
        assert!(outcome.details.last().unwrap().ends_with("--replay random-7"));
        let stub = Failure { message: "not yet implemented".into(), ..outcome_failure() };
        let told = verdict(Err(stub), "", |_| unreachable!()).unwrap_err();
        assert!(told.message.starts_with("still a stub"));
    }

    #[test]
    fn after_a_tag_comes_its_line() {
        let told = |m: &str| Failure { message: m.into(), ..outcome_failure() };
        let two_lines = told("panicked: EMPTY: take() found nothing\nat line 9");
        assert_eq!(after_tag(&two_lines, "EMPTY: "), "take() found nothing");
        assert_eq!(after_tag(&two_lines, "OVER: "), "");
        assert_eq!(after_tag(&told("SLEEPS: "), "SLEEPS: "), "");
    }

    fn outcome_failure() -> Failure {
        Failure {
            message: String::new(),
            deadlock: false,
            replay: "pct-1".into(),
            trace: Vec::new(),
            executions: 1,
        }
    }

    #[test]
    fn a_holder_is_counted_while_it_holds_and_told() {
        let explored = explore(
            || {
                let gauge = crate::measure::Gauge::new();
                hold("acquire()", "a permit", Some(7), &gauge);
                hold("try_acquire()", "None", None::<u8>, &gauge);
                assert_eq!((gauge.peak(), gauge.total()), (1, 1), "one holder, counted once");
                panic!("told");
            },
            |f: &Failure| f.trace.join("; "),
        );
        let story = explored.unwrap_err().trace.join("; ");
        assert!(story.contains("acquire(): a permit; caller: lets it go"), "{story}");
        assert!(story.contains("try_acquire(): None"), "{story}");
    }

    /// loom aborts the process on a deadlock: shuttle only.
    #[cfg(kata_shuttle)]
    #[test]
    fn a_lock_held_while_blocked_in_recv_is_told() {
        use kata_sync::model::spawn_named;
        use kata_sync::sync::{mpsc, Arc, Mutex};
        let explored = explore(
            || {
                let (tx, rx) = mpsc::channel::<()>();
                let shared = Arc::new(Mutex::new(rx));
                let other = Arc::clone(&shared);
                let second = spawn_named("second thread", move || {
                    let rx = other.lock().unwrap();
                    let _ = rx.recv();
                });
                let first = spawn_named("first thread", move || {
                    let _rx = shared.lock().unwrap();
                    let _ = tx.send(());
                });
                let _ = (second.join(), first.join());
            },
            |f: &Failure| f.message.clone(),
        );
        let failure = explored.unwrap_err();
        assert!(failure.deadlock, "{failure:?}");
        assert_eq!(
            blocked_holding().as_deref(),
            Some("second thread holds lock 1, which first thread waits for, and is blocked with it held")
        );
    }

    #[test]
    fn a_lesson_is_picked_by_its_tag() {
        let lessons = [("POLLS", "sleep on a Condvar"), ("EARLY", "loop")];
        let tagged = Failure { message: "EARLY: at 3 ms".into(), ..outcome_failure() };
        assert_eq!(by_tag(&tagged, &lessons, "stuck"), "loop");
        let stuck = Failure { message: "deadlock!".into(), deadlock: true, ..outcome_failure() };
        assert_eq!(by_tag(&stuck, &lessons, "stuck"), "stuck");
        let other = Failure { message: "index out of bounds".into(), ..outcome_failure() };
        assert_eq!(by_tag(&other, &lessons, "stuck"), "index out of bounds");
    }
}
