//! What one grading run runs: every check (what `kata check` does), the
//! checks of one model build on one schedule (`--replay`), or the checks a
//! known-wrong file's header names (`kata dev check`). A run of some checks
//! builds only what they need: a model build none of them is in, and the
//! lint that only gates the model builds, are not built at all, which is
//! most of what a fixture costs (issue 20). The plain build is always made:
//! it is where a compile error shows and where the learner's dep-info is
//! checked, so a partial run crosses the same trust boundary as a whole one.

use crate::compile::Target;
use crate::manifest::Model;
use crate::replay::{self, Schedule};
use kata_protocol::CheckInfo;
use std::collections::BTreeSet;

/// Options of a grading run.
#[derive(Debug, Clone)]
pub struct Options {
    pub target: Target,
    /// Ask rustc for coloured diagnostics.
    pub color: bool,
    /// Run only the checks of this schedule's model build, on this one
    /// schedule, as a failing model check printed it.
    pub replay: Option<Schedule>,
    /// Which checks to run.
    pub only: Only,
}

/// Which of an exercise's checks a run runs, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Only {
    #[default]
    All,
    /// These checks (`model-<checker>` and `lint-<name>` name the steps
    /// that stand for a whole model build or the lint).
    Named(BTreeSet<String>),
}

impl Options {
    /// Every check of the learner's code (or the reference's).
    pub fn whole(target: Target) -> Options {
        Options { target, color: false, replay: None, only: Only::All }
    }

    /// Whether this run leaves checks out: then its report is no verdict on
    /// the exercise, and nothing records it.
    pub fn partial(&self) -> bool {
        self.replay.is_some() || self.only != Only::All
    }

    /// Whether check `name` of `model`'s build (`None`: the plain build) runs.
    pub(crate) fn runs(&self, model: Option<Model>, name: &str) -> bool {
        let in_replay = match self.replay {
            Some(schedule) => model == Some(replay::model(schedule)),
            None => true,
        };
        let named = match &self.only {
            Only::All => true,
            Only::Named(names) => names.contains(name),
        };
        in_replay && named
    }

    /// Whether `model`'s build is needed, given the list of its checks
    /// (`None` when unknown before the build: the reference's own).
    pub(crate) fn wants_model(&self, model: Model, list: Option<&[CheckInfo]>) -> bool {
        if self.replay.is_some_and(|s| replay::model(s) != model) {
            return false;
        }
        match (&self.only, list) {
            (Only::All, _) | (Only::Named(_), None) => true,
            (Only::Named(names), Some(list)) => {
                names.contains(&step_name(model))
                    || list.iter().any(|check| names.contains(&check.name))
            }
        }
    }

    /// Whether the lint `lint` runs: when named, or when a model build
    /// runs (a lint failure stands for every model build's checks).
    pub(crate) fn wants_lint(&self, lint: &str, any_model: bool) -> bool {
        match &self.only {
            _ if any_model => true,
            Only::All => self.replay.is_none(),
            Only::Named(names) => names.contains(&format!("lint-{lint}")),
        }
    }
}

/// The name of the step that stands for `model`'s build when it cannot
/// run its checks: `model-shuttle`.
pub(crate) fn step_name(model: Model) -> String {
    format!("model-{}", model.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(names: &[&str]) -> Options {
        Options {
            only: Only::Named(names.iter().map(|n| n.to_string()).collect()),
            ..Options::whole(Target::Learner)
        }
    }

    fn list(names: &[&str]) -> Vec<CheckInfo> {
        names.iter().map(|n| CheckInfo { name: n.to_string(), about: String::new() }).collect()
    }

    #[test]
    fn a_whole_run_runs_everything() {
        let whole = Options::whole(Target::Learner);
        assert!(!whole.partial());
        assert!(whole.runs(None, "order-kept") && whole.runs(Some(Model::Loom), "x"));
        assert!(whole.wants_model(Model::Shuttle, Some(&list(&["a"]))));
        assert!(whole.wants_lint("race", false));
    }

    #[test]
    fn named_checks_build_only_the_models_that_hold_them() {
        let plain_only = named(&["stress-same-key"]);
        assert!(plain_only.partial());
        assert!(plain_only.runs(None, "stress-same-key") && !plain_only.runs(None, "other"));
        assert!(!plain_only.wants_model(Model::Shuttle, Some(&list(&["model-loads-once"]))));
        assert!(!plain_only.wants_lint("race", false));
        let model = named(&["model-loads-once"]);
        assert!(model.wants_model(Model::Shuttle, Some(&list(&["model-loads-once"]))));
        assert!(!model.wants_model(Model::Loom, Some(&list(&["model-lock"]))));
        // The lint gates every model build, so it runs with one.
        assert!(model.wants_lint("race", true));
        // The step that stands for a build needs that build, and the lint.
        let step = named(&["model-shuttle"]);
        assert!(step.wants_model(Model::Shuttle, Some(&list(&["model-loads-once"]))));
        assert!(named(&["lint-race"]).wants_lint("race", false));
        // Unknown before the build (the reference's own list): built.
        assert!(plain_only.wants_model(Model::Loom, None));
    }

    #[test]
    fn a_replay_runs_its_model_build_alone() {
        let replay = Options { replay: Some(Schedule::Pct(4)), ..Options::whole(Target::Learner) };
        assert!(replay.partial());
        assert!(!replay.runs(None, "order-kept"));
        assert!(replay.runs(Some(Model::Shuttle), "model-loads-once"));
        assert!(!replay.wants_model(Model::Loom, None));
        assert!(replay.wants_model(Model::Shuttle, None));
        assert!(replay.wants_lint("race", true) && !replay.wants_lint("race", false));
    }
}
