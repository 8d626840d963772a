//! A grading run as data: what the CLI renders and a teacher's CI can read.

use crate::compile::{Diagnostic, Target};
use crate::policy::Refusal;
use kata_protocol::{Medal, Outcome, Status};
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone, Serialize)]
pub struct ExerciseReport {
    pub slug: String,
    pub target: Target,
    pub result: Graded,
    /// Only some checks ran (a replay, or a developer's selection): the
    /// report is no verdict on the exercise, and nothing records it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Graded {
    /// The grader would not build the learner's crate (a changed manifest,
    /// a build script, code outside the source policy); nothing was run.
    Refused { reasons: Vec<Refusal> },
    /// The code did not compile; nothing was run.
    CompileError { diagnostics: Vec<Diagnostic> },
    /// The build did not end in time.
    BuildTimedOut {
        #[serde(serialize_with = "seconds")]
        limit: Duration,
    },
    /// Every check ran; each has its own verdict.
    Checked { checks: Vec<CheckReport> },
    /// kata itself could not check this exercise (cargo gone, a checks
    /// binary that would not list its checks): nothing is known of the
    /// code. In a run of many exercises this one is reported and the run
    /// goes on.
    GraderError { message: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub name: String,
    pub about: String,
    pub outcome: Outcome,
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

impl ExerciseReport {
    /// The report of an exercise that kata could not check: `error` says why.
    pub fn grader_error(
        slug: &str,
        target: Target,
        error: impl std::fmt::Display,
    ) -> ExerciseReport {
        ExerciseReport {
            slug: slug.to_string(),
            target,
            result: Graded::GraderError { message: format!("{error:#}") },
            partial: false,
        }
    }

    /// Whether kata could not check the exercise at all.
    pub fn grader_failed(&self) -> bool {
        matches!(self.result, Graded::GraderError { .. })
    }

    /// Passed: it compiled and no check failed. An inconclusive check (the
    /// machine could not tell) never fails an exercise.
    pub fn passed(&self) -> bool {
        match &self.result {
            Graded::Checked { checks } => {
                !checks.is_empty() && checks.iter().all(|c| c.outcome.status != Status::Failed)
            }
            _ => false,
        }
    }

    /// The best medal any check awarded, if the exercise passed.
    pub fn medal(&self) -> Option<Medal> {
        let Graded::Checked { checks } = &self.result else {
            return None;
        };
        if !self.passed() {
            return None;
        }
        checks.iter().filter_map(|c| c.outcome.medal).max()
    }

    /// Whether the grader refused to build the code.
    pub fn refused(&self) -> bool {
        matches!(self.result, Graded::Refused { .. })
    }

    /// How many checks ended with each status: (passed, failed, inconclusive).
    pub fn counts(&self) -> (usize, usize, usize) {
        let Graded::Checked { checks } = &self.result else {
            return (0, 0, 0);
        };
        let count = |s| checks.iter().filter(|c| c.outcome.status == s).count();
        (count(Status::Passed), count(Status::Failed), count(Status::Inconclusive))
    }
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}
