//! Verdicts from model checking (feature `model`): what a race exercise's
//! checks return after `kata_sync::model::explore`.

use crate::{fail, pass, Outcome};
use kata_sync::model::{Explored, Failure};

/// Turns the result of an exploration into a verdict.
///
/// - `id`: the exercise (`ex04`), for the replay command;
/// - `passed`: what held in every schedule, completing "... in every one";
/// - `explain`: from the failure, the sentence that teaches (what broke and
///   which fix it points to). A stub's `todo!` is recognised first.
pub fn verdict(
    result: Result<Explored, Failure>,
    id: &str,
    passed: &str,
    explain: impl FnOnce(&Failure) -> String,
) -> Result<Outcome, Outcome> {
    match result {
        Ok(explored) => Ok(pass(format!(
            "{} schedules tried ({}): {passed} in every one",
            explored.executions, explored.how
        ))),
        Err(failure) if failure.message.contains("not yet implemented") => Err(fail(
            "still a stub: a `todo!` of your code ran. Replace it with your code.",
        )),
        Err(failure) => {
            let mut outcome = fail(explain(&failure)).figure(
                "schedules tried before the failure",
                failure.executions,
                "none fails",
            );
            if !failure.trace.is_empty() {
                outcome = outcome.detail("The interleaving that broke it, step by step:");
                for line in &failure.trace {
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
                "See it again, alone: cargo kata check {id} --replay {}",
                failure.replay
            ));
            outcome.seed = Some(failure.replay.clone());
            Err(outcome)
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
