//! `kata check --replay <schedule>`: one schedule of a model checker, named
//! as a failing model check printed it, run again to see its interleaving.
//!
//! The token is read once, here, at the edge: a token that names no
//! schedule, or a schedule of a model checker the exercise is not checked
//! with, is an error that says what to type instead. Before this, both ran
//! the whole exercise as if nothing had been asked (issue 15). A replay is
//! never a verdict on the exercise: it runs only the checks of the one
//! model build, so it records neither an attempt nor a pass.

use crate::manifest::{Exercise, Model};
use crate::Error;

/// One schedule of one model checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Shuttle's random scheduler with this seed: `random-17`.
    Random(u64),
    /// Shuttle's PCT scheduler with this seed: `pct-4`.
    Pct(u64),
    /// Loom explores every interleaving within its bound, all in one run:
    /// `loom` names that run.
    Loom,
}

impl Schedule {
    /// Reads a token as the model checks print it (`random-17`, `pct-4`,
    /// `loom`), for `exercise`.
    pub fn for_exercise(token: &str, exercise: &Exercise) -> Result<Schedule, Error> {
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
                 `loom` for loom. Copy it from the message of the check that failed."
            ))
        })?;
        if !exercise.models.contains(&schedule.model()) {
            let models: Vec<&str> = exercise.models.iter().map(|m| m.name()).collect();
            return Err(Error::Grader(format!(
                "`--replay {token}` is a schedule of {}, but {id} is model-checked with {} only, so no build \
                 would replay it. Copy the schedule its failing check printed.",
                schedule.model().name(),
                models.join(" and ")
            )));
        }
        Ok(schedule)
    }

    /// `random-17` → `Random(17)`; `None` for anything else.
    pub fn parse(token: &str) -> Option<Schedule> {
        let seed = |digits: &str| {
            // Digits only: `u64::from_str` would take a `+`.
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        if token == "loom" {
            return Some(Schedule::Loom);
        }
        let (kind, digits) = token.split_once('-')?;
        match kind {
            "random" => seed(digits).map(Schedule::Random),
            "pct" => seed(digits).map(Schedule::Pct),
            _ => None,
        }
    }

    /// The model checker whose build runs this schedule.
    pub fn model(self) -> Model {
        match self {
            Schedule::Random(_) | Schedule::Pct(_) => Model::Shuttle,
            Schedule::Loom => Model::Loom,
        }
    }
}

impl std::fmt::Display for Schedule {
    /// The token again, as the checks binary reads it from the grader.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Schedule::Random(seed) => write!(f, "random-{seed}"),
            Schedule::Pct(seed) => write!(f, "pct-{seed}"),
            Schedule::Loom => f.write_str("loom"),
        }
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
        for token in ["random-17", "pct-4", "loom", "random-0"] {
            assert_eq!(Schedule::parse(token).unwrap().to_string(), token);
        }
        for bad in [
            "",
            "random-",
            "random-x",
            "pct-+4",
            "pct4",
            "shuttle-1",
            "loom-1",
        ] {
            assert_eq!(Schedule::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_exercise_without_models_has_nothing_to_replay() {
        let error = Schedule::for_exercise("random-1", &exercise(""))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("ex04 has no model checks to replay")
                && error.contains("without `--replay`"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_token_says_what_a_schedule_looks_like() {
        let error = Schedule::for_exercise("seed-17", &exercise("models = [\"shuttle\"]"))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("`--replay seed-17` names no schedule")
                && error.contains("pct-<seed>"),
            "{error}"
        );
    }

    #[test]
    fn a_schedule_of_another_model_checker_is_refused() {
        let shuttle = exercise("models = [\"shuttle\"]");
        let error = Schedule::for_exercise("loom", &shuttle)
            .unwrap_err()
            .to_string();
        assert!(error.contains("with shuttle only"), "{error}");
        assert_eq!(
            Schedule::for_exercise("pct-4", &shuttle).unwrap(),
            Schedule::Pct(4)
        );
    }
}
