//! `kata check --replay <schedule>`: one schedule of a model checker, named
//! as a failing model check printed it, run again to see its interleaving.
//!
//! The token is read once, here, at the edge, with the protocol's grammar
//! ([`Schedule::parse`]), which the checks read it with too: a token that names no
//! schedule, or a schedule of a model checker the exercise is not checked
//! with, is an error that says what to type instead. Before this, both ran
//! the whole exercise as if nothing had been asked (issue 15). A replay is
//! never a verdict on the exercise: it runs only the checks of the one
//! model build, so it records neither an attempt nor a pass.

use crate::manifest::{Exercise, Model};
use crate::Error;
pub use kata_protocol::Schedule;

/// Reads a token as the model checks print it (`random-17`, `pct-4`,
/// `loom-7`) as a schedule of one of `exercise`'s model checkers.
pub fn schedule(token: &str, exercise: &Exercise) -> Result<Schedule, Error> {
    let id = exercise.id();
    if exercise.models.is_empty() {
        return Err(Error::Grader(format!(
            "{id} has no model checks to replay: `--replay` runs one schedule of a model checker again, \
             and kata.toml checks {id} with none. Run `kata check {id}` without `--replay`."
        )));
    }
    let schedule = Schedule::parse(token).ok_or_else(|| {
        Error::Grader(format!(
            "`--replay {token}` names no schedule: kata would run nothing it was asked for. A schedule is what a \
             failing model check printed after `--replay`: `random-<seed>` or `pct-<seed>` for shuttle, \
             `loom-<n>` for loom. Copy it from the message of the check that failed."
        ))
    })?;
    if !exercise.models.contains(&model(schedule)) {
        let models: Vec<&str> = exercise.models.iter().map(|m| m.name()).collect();
        return Err(Error::Grader(format!(
            "`--replay {token}` is a schedule of {}, but {id} is model-checked with {} only, so no build \
             would replay it. Copy the schedule its failing check printed.",
            schedule.checker(),
            models.join(" and ")
        )));
    }
    Ok(schedule)
}

/// The model checker whose build runs `schedule`.
pub fn model(schedule: Schedule) -> Model {
    match schedule {
        Schedule::Random(_) | Schedule::Pct(_) => Model::Shuttle,
        Schedule::Loom(_) => Model::Loom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    fn exercise(models: &str) -> Exercise {
        let text = format!(
            "[[exercise]]\nslug = \"ex04-cache\"\ntitle = \"t\"\ntopic = \"t\"\ntime-limit = 5\n\
             hints = [\"a\", \"b\", \"c\"]\n{models}"
        );
        let manifest = Manifest::parse(&text, std::path::Path::new("kata.toml")).unwrap();
        manifest.exercises[0].clone()
    }

    #[test]
    fn tokens_round_trip() {
        for token in ["random-17", "pct-4", "loom-7", "random-0"] {
            assert_eq!(Schedule::parse(token).unwrap().to_string(), token);
        }
        for bad in ["", "random-", "random-x", "pct-+4", "pct4", "shuttle-1", "loom", "loom-"] {
            assert_eq!(Schedule::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_exercise_without_models_has_nothing_to_replay() {
        let error = schedule("random-1", &exercise("")).unwrap_err().to_string();
        assert!(
            error.starts_with("ex04 has no model checks to replay")
                && error.contains("without `--replay`"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_token_says_what_a_schedule_looks_like() {
        let error =
            schedule("seed-17", &exercise("models = [\"shuttle\"]")).unwrap_err().to_string();
        assert!(
            error.starts_with("`--replay seed-17` names no schedule")
                && error.contains("pct-<seed>"),
            "{error}"
        );
    }

    #[test]
    fn a_schedule_of_another_model_checker_is_refused() {
        let shuttle = exercise("models = [\"shuttle\"]");
        let error = schedule("loom-3", &shuttle).unwrap_err().to_string();
        assert!(error.contains("with shuttle only"), "{error}");
        assert_eq!(schedule("pct-4", &shuttle).unwrap(), Schedule::Pct(4));
    }
}
