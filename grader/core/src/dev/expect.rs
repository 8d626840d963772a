//! What a fixture must get, and whether it got it.
//!
//! A known-wrong or hostile file says in its header (`//!` lines) what must
//! happen to it (tests/wrong/README.md, tests/hostile/README.md):
//!
//! ```text
//! //! expect-fail: <check>: <a part of that check's failure message>
//! //! expect-refused: <a part of one of the reasons>     (exit code 2, nothing run)
//! //! expect-compile-error: <a part of the first error>
//! //! expect-build-timeout
//! //! expect-pass
//! ```
//!
//! A reference solution and a known-right file must pass; a stub must
//! compile and fail. Only what the header names is judged ("other checks
//! may pass or fail"), so only the checks it names are run: see
//! [`Expectation::only`].

use crate::grade::Only;
use crate::report::{ExerciseReport, Graded};
use kata_protocol::Status;

/// What the grader must make of one fixture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectation {
    /// Every check passes (a solution, a known-right file, `expect-pass`).
    pub pass: bool,
    /// It compiles, and fails (a stub): any failing check will do.
    pub fails_somehow: bool,
    /// Refused before anything is built, with reasons containing these.
    pub refused: Vec<String>,
    /// The first compile error contains these.
    pub compile_error: Vec<String>,
    pub build_timeout: bool,
    /// These checks fail, each with this text in its message.
    pub fails: Vec<(String, String)>,
}

impl Expectation {
    /// What a reference solution or a known-right file must get.
    pub fn pass() -> Expectation {
        Expectation { pass: true, ..Expectation::default() }
    }

    /// What an untouched stub must get: it compiles, and fails.
    pub fn stub() -> Expectation {
        Expectation { fails_somehow: true, ..Expectation::default() }
    }

    /// Reads the header of a known-wrong (`opening` = `//! Known wrong`) or
    /// hostile (`//! Hostile`) file; `Err` says what is wrong with it.
    pub fn read(text: &str, opening: &str) -> Result<Expectation, String> {
        if !text.starts_with(opening) {
            return Err(format!("does not open with `{opening}`"));
        }
        let mut expectation = Expectation::default();
        for line in text.lines().take_while(|l| l.starts_with("//!")) {
            let line = line.trim_end();
            let Some(rest) = line.strip_prefix("//! expect") else {
                continue;
            };
            if rest == "-pass" {
                expectation.pass = true;
            } else if rest == "-build-timeout" {
                expectation.build_timeout = true;
            } else if let Some(text) = rest.strip_prefix("-refused: ") {
                expectation.refused.push(text.to_string());
            } else if let Some(text) = rest.strip_prefix("-compile-error: ") {
                expectation.compile_error.push(text.to_string());
            } else if let Some(rest) = rest.strip_prefix("-fail: ") {
                let (check, wanted) = rest.split_once(": ").ok_or_else(|| {
                    format!("`{line}` names no message: write `//! expect-fail: <check>: <text>`")
                })?;
                expectation.fails.push((check.trim().to_string(), wanted.to_string()));
            } else {
                return Err(format!(
                    "`{line}` is no expectation kata knows: expect-fail, expect-refused, \
                     expect-compile-error, expect-build-timeout or expect-pass"
                ));
            }
        }
        if expectation == Expectation::default() {
            return Err(
                "expects nothing: say what must happen with an `//! expect-...` line".into()
            );
        }
        Ok(expectation)
    }

    /// The checks that must run to judge this: every check to judge a
    /// pass or a stub; else only those the header names (none for a
    /// refusal or a compile error, which need no check at all).
    pub fn only(&self) -> Only {
        // A compile error may be in the checks' build against the crate
        // (a type that is not `Sync`), not in the crate alone: build them.
        if self.pass || self.fails_somehow || !self.compile_error.is_empty() {
            return Only::All;
        }
        Only::Named(self.fails.iter().map(|(check, _)| check.clone()).collect())
    }

    /// What is expected, in a few words, for a table.
    pub fn summary(&self) -> String {
        if self.pass {
            return "pass".into();
        }
        if !self.refused.is_empty() {
            return "refused".into();
        }
        if !self.compile_error.is_empty() {
            return "compile error".into();
        }
        if self.build_timeout {
            return "build timeout".into();
        }
        if self.fails.is_empty() {
            return "fail".into();
        }
        let checks: Vec<&str> = self.fails.iter().map(|(check, _)| check.as_str()).collect();
        format!("fail: {}", checks.join(", "))
    }

    /// What is wrong with `report` for this expectation; empty when it is
    /// what was expected.
    pub fn judge(&self, report: &ExerciseReport) -> Vec<String> {
        let mut problems = Vec::new();
        let got = verdict(report);
        if let Graded::GraderError { message } = &report.result {
            return vec![format!("kata could not check it: {message}")];
        }
        let wanted = if !self.refused.is_empty() {
            "refused"
        } else if self.pass {
            "passed"
        } else {
            "failed"
        };
        if got != wanted {
            problems.push(format!("should be {wanted}, but was {}", describe(report)));
        }
        if let Graded::Refused { reasons } = &report.result {
            for wanted in &self.refused {
                if !reasons.iter().any(|r| r.message.contains(wanted)) {
                    problems.push(format!(
                        "should be refused with a reason containing \"{wanted}\", but: {}",
                        describe(report)
                    ));
                }
            }
        }
        if self.fails_somehow && !matches!(report.result, Graded::Checked { .. }) {
            problems.push(format!(
                "a stub must compile and fail its checks, but: {}",
                describe(report)
            ));
        }
        if self.build_timeout && !matches!(report.result, Graded::BuildTimedOut { .. }) {
            problems.push(format!("the build should time out, but: {}", describe(report)));
        }
        for wanted in &self.compile_error {
            let first = match &report.result {
                Graded::CompileError { diagnostics } => {
                    diagnostics.first().map(|d| crate::lint::strip_ansi(&d.rendered))
                }
                _ => None,
            };
            if !first.as_deref().is_some_and(|f| f.contains(wanted)) {
                problems.push(format!(
                    "the first compile error should contain \"{wanted}\", but: {}",
                    describe(report)
                ));
            }
        }
        let checks = match &report.result {
            Graded::Checked { checks } => checks.as_slice(),
            _ => &[],
        };
        for (check, wanted) in &self.fails {
            match checks.iter().find(|c| &c.name == check) {
                Some(c)
                    if c.outcome.status == Status::Failed && c.outcome.message.contains(wanted) => {
                }
                Some(c) => problems.push(format!(
                    "check `{check}` should fail with \"{wanted}\", but it {}: {}",
                    status_name(c.outcome.status),
                    c.outcome.message
                )),
                None => {
                    problems.push(format!("no check named `{check}` ran: {}", describe(report)))
                }
            }
        }
        problems
    }
}

/// `passed`, `failed` or `refused`: what the exit code of `kata check` says.
pub fn verdict(report: &ExerciseReport) -> &'static str {
    if report.refused() {
        "refused"
    } else if report.passed() {
        "passed"
    } else {
        "failed"
    }
}

/// A report in one line: what it came to, and the checks that did not pass.
pub fn describe(report: &ExerciseReport) -> String {
    match &report.result {
        Graded::Refused { reasons } => {
            let reasons: Vec<&str> = reasons.iter().map(|r| r.message.as_str()).collect();
            format!("refused: {}", reasons.join("; "))
        }
        Graded::CompileError { diagnostics } => {
            let first = diagnostics
                .first()
                .map(|d| crate::lint::strip_ansi(&d.rendered))
                .unwrap_or_default();
            format!("does not compile: {}", first.lines().next().unwrap_or_default())
        }
        Graded::BuildTimedOut { limit } => {
            format!("the build timed out after {} s", limit.as_secs())
        }
        Graded::GraderError { message } => format!("kata could not check it: {message}"),
        Graded::Checked { checks } => {
            let (passed, failed, inconclusive) = report.counts();
            let mut text =
                format!("checked: {passed} passed, {failed} failed, {inconclusive} inconclusive");
            for check in checks.iter().filter(|c| c.outcome.status != Status::Passed) {
                text.push_str(&format!(
                    "\n    {} {}: {}",
                    check.name,
                    status_name(check.outcome.status),
                    check.outcome.message
                ));
            }
            text
        }
    }
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Inconclusive => "was inconclusive",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{Diagnostic, Target};
    use crate::policy::Refusal;
    use crate::report::CheckReport;
    use kata_protocol::{fail, pass};
    use std::time::Duration;

    fn report(result: Graded) -> ExerciseReport {
        ExerciseReport {
            slug: "ex01-spawn-and-join".into(),
            target: Target::Learner,
            result,
            partial: false,
        }
    }

    fn checked(checks: &[(&str, Result<&str, &str>)]) -> ExerciseReport {
        report(Graded::Checked {
            checks: checks
                .iter()
                .map(|(name, outcome)| CheckReport {
                    name: name.to_string(),
                    about: String::new(),
                    outcome: match outcome {
                        Ok(message) => pass(*message),
                        Err(message) => fail(*message),
                    },
                    elapsed: Duration::ZERO,
                })
                .collect(),
        })
    }

    const WRONG: &str = "//! Known wrong: joins each thread at once.\n\
                         //! expect-fail: runs-in-parallel: did you join each thread\n\
                         //! expect-fail: order-kept: in the order\n\npub fn f() {}\n";

    #[test]
    fn a_header_names_the_checks_to_run() {
        let expectation = Expectation::read(WRONG, "//! Known wrong").unwrap();
        assert_eq!(expectation.summary(), "fail: runs-in-parallel, order-kept");
        assert_eq!(
            expectation.only(),
            Only::Named(["order-kept".to_string(), "runs-in-parallel".to_string()].into())
        );
        let refused =
            Expectation::read("//! Hostile: x\n//! expect-refused: `fs`\n", "//! Hostile").unwrap();
        assert_eq!(refused.only(), Only::Named(Default::default()));
        assert_eq!(Expectation::pass().only(), Only::All);
        assert_eq!(Expectation::stub().only(), Only::All);
    }

    #[test]
    fn a_bad_header_says_what_is_wrong() {
        let error = |text: &str| Expectation::read(text, "//! Known wrong").unwrap_err();
        assert_eq!(error("//! Wrong: x\n"), "does not open with `//! Known wrong`");
        assert!(error("//! Known wrong: x\n").starts_with("expects nothing"));
        assert!(error("//! Known wrong: x\n//! expect-fial: a: b\n")
            .contains("no expectation kata knows"));
        assert!(
            error("//! Known wrong: x\n//! expect-fail: order-kept\n").contains("names no message")
        );
    }

    #[test]
    fn judges_the_named_checks_only() {
        let expectation = Expectation::read(WRONG, "//! Known wrong").unwrap();
        let right = checked(&[
            ("order-kept", Err("results must come back in the order of the items")),
            (
                "runs-in-parallel",
                Err("only 1 at once: did you join each thread right after spawning it?"),
            ),
            ("empty-input", Ok("fine")),
        ]);
        assert_eq!(expectation.judge(&right), Vec::<String>::new());
        let passes = checked(&[
            ("order-kept", Ok("all 40 in order")),
            ("runs-in-parallel", Ok("4 at once")),
        ]);
        let problems = expectation.judge(&passes);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].starts_with("should be failed, but was checked: 2 passed"));
        assert!(
            problems[1].starts_with("check `runs-in-parallel` should fail with"),
            "{problems:#?}"
        );
        let missing = expectation.judge(&checked(&[("order-kept", Err("in the order"))]));
        assert_eq!(missing.len(), 1, "{missing:#?}");
        assert!(missing[0].starts_with("no check named `runs-in-parallel` ran"));
    }

    #[test]
    fn refusals_compile_errors_and_stubs() {
        let refused =
            Expectation::read("//! Hostile: x\n//! expect-refused: `fs`\n", "//! Hostile").unwrap();
        let reasons = |message: &str| {
            report(Graded::Refused {
                reasons: vec![Refusal {
                    file: "exercises/ex01-spawn-and-join/src/lib.rs".into(),
                    line: Some(3),
                    message: message.into(),
                }],
            })
        };
        assert!(refused.judge(&reasons("uses `fs`: no files")).is_empty());
        assert_eq!(refused.judge(&reasons("uses `net`")).len(), 1);
        assert_eq!(refused.judge(&checked(&[])).len(), 1);
        let compile = report(Graded::CompileError {
            diagnostics: vec![Diagnostic {
                level: "error".into(),
                rendered: "error[E0308]: mismatched types".into(),
            }],
        });
        let wants_error = Expectation::read(
            "//! Hostile: x\n//! expect-compile-error: mismatched\n",
            "//! Hostile",
        )
        .unwrap();
        assert!(wants_error.judge(&compile).is_empty());
        assert!(matches!(wants_error.only(), Only::All));
        // A stub that does not compile fails for the wrong reason.
        assert_eq!(Expectation::stub().judge(&compile).len(), 1);
        assert!(Expectation::stub().judge(&checked(&[("a", Err("still a stub"))])).is_empty());
        assert_eq!(Expectation::pass().judge(&checked(&[("a", Err("no"))])).len(), 1);
    }
}
