//! The lint step: clippy on the code under check with an exercise's
//! configuration (say, no `std::sync` past the model checker's facade),
//! keeping only the `disallowed_*` lints and the [`HELD_ACROSS_AWAIT`] ones:
//! the learner's own style is not graded.

use crate::child::{self, Exit};
use crate::compile::{cargo_for, Diagnostic, Target, BUILD_LIMIT, LEARNER_COMPILE_LIMIT, PROFILE};
use crate::manifest::{Exercise, Model};
use crate::workbook::Workbook;
use crate::Error;
use serde::Deserialize;
use std::sync::{Arc, Mutex};

/// Clippy's lints for a blocking guard kept across an `.await` (a
/// `std::sync` lock's, a `RefCell` borrow's): kept as forbidden uses too,
/// with clippy's own words as the reason. They can only fire in async code,
/// so they are on under every configuration; only the async exercises'
/// code can meet them (the book's ex26 chapter says why such a guard is a
/// bug there: a blocked thread, a deadlock on a one-thread runtime, a future
/// that is not `Send`).
pub const HELD_ACROSS_AWAIT: [&str; 2] =
    ["clippy::await_holding_lock", "clippy::await_holding_refcell_ref"];

#[derive(Debug)]
pub enum Linted {
    /// Nothing the configuration forbids.
    Clean,
    /// The forbidden uses, as clippy rendered them.
    Forbidden(Vec<Diagnostic>),
    /// Clippy could not run; the reason, for an inconclusive verdict.
    Unavailable(String),
    /// Clippy did not finish in time (the limit it had): compile-time code
    /// that never ends, as clippy sees it.
    TimedOut(std::time::Duration),
}

/// Runs clippy on the learner's crate of `exercise` with the configuration in
/// `grader/lints/<lint>/clippy.toml`, keeping only the `disallowed_*` lints
/// and [`HELD_ACROSS_AWAIT`] (the learner's own style is not graded).
///
/// With a `model`, clippy runs in that model's build: there the `kata_sync`
/// facade resolves to the model checker's types, so only a use of std's own
/// `Mutex` (say) is flagged. In a plain build the facade *is* std, and clippy,
/// which sees through re-exports, could not tell the two apart.
pub fn lint(
    workbook: &Workbook,
    exercise: &Exercise,
    target: Target,
    lint: &str,
    model: Option<Model>,
    color: bool,
) -> Result<Linted, Error> {
    let config_dir = workbook.root().join("grader").join("lints").join(lint);
    if !config_dir.join("clippy.toml").is_file() {
        return Err(Error::Grader(format!(
            "{} names lint = \"{lint}\", but {} does not exist",
            exercise.slug,
            config_dir.join("clippy.toml").display()
        )));
    }
    let mut command = cargo_for(workbook, model);
    command
        .env("CLIPPY_CONF_DIR", &config_dir)
        .arg("clippy")
        .arg("--locked")
        .arg("--manifest-path")
        .arg(workbook.root().join("Cargo.toml"))
        .args(["--profile", PROFILE, "--package", &target.package(exercise)])
        // Only the learner's crate: the facade itself rightly uses std.
        .arg("--no-deps")
        .arg(if color {
            "--message-format=json-diagnostic-rendered-ansi"
        } else {
            "--message-format=json"
        })
        .args([
            "--",
            "-W",
            "clippy::disallowed_types",
            "-W",
            "clippy::disallowed_methods",
            "-W",
            "clippy::disallowed_macros",
        ])
        .args(HELD_ACROSS_AWAIT.iter().flat_map(|lint| ["-W", lint]));
    let state = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&state);
    // Once clippy reaches the learner's crate (its dependencies are checked
    // by then), it gets as long as a compile: code that only `cfg(clippy)`
    // sees may loop forever at compile time too.
    let deadline = child::Deadline::after(BUILD_LIMIT);
    let watch = deadline.clone();
    let checking = format!("Checking {} v", target.package(exercise));
    let finished = child::run_watched(
        command,
        &deadline,
        move |line| {
            if let Some(diagnostic) = forbidden(line) {
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(diagnostic);
            }
        },
        move |line| {
            if line.trim_start().starts_with(&checking) {
                watch.set_from_now(LEARNER_COMPILE_LIMIT);
            }
        },
    )
    .map_err(|source| Error::CargoMissing { cause: source })?;
    if finished.exit == Exit::TimedOut {
        return Ok(Linted::TimedOut(deadline.limit()));
    }
    let found = std::mem::take(&mut *state.lock().unwrap_or_else(|e| e.into_inner()));
    if !found.is_empty() {
        return Ok(Linted::Forbidden(found));
    }
    match finished.exit {
        Exit::Code(0) => Ok(Linted::Clean),
        _ => {
            let stderr = finished.stderr.text();
            if stderr.contains("no such command") || stderr.contains("not installed") {
                Ok(Linted::Unavailable(
                    "clippy is not installed: `rustup component add clippy` adds it".into(),
                ))
            } else {
                // The crate does not compile; the build step reports that.
                Ok(Linted::Unavailable(format!("clippy did not finish: {}", stderr.trim())))
            }
        }
    }
}

/// `text` without terminal colour codes (rustc's diagnostics carry them when
/// asked for colour).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What each forbidden use in `found` is forbidden for, each reason once:
/// the `reason` the configuration gives (clippy shows it as a note), or, for
/// [`HELD_ACROSS_AWAIT`], clippy's own message and its advice.
pub fn reasons(found: &[Diagnostic]) -> Vec<String> {
    let mut reasons: Vec<String> = Vec::new();
    for diagnostic in found {
        let text = strip_ansi(&diagnostic.rendered);
        let notes = text.lines().filter_map(|line| line.trim_start().strip_prefix("= note: "));
        let mut own: Vec<String> = notes
            .filter(|n| !n.starts_with("requested on the command line"))
            .map(String::from)
            .collect();
        if own.is_empty() {
            // No reason of the configuration's: clippy's headline and help.
            let headline = text.lines().next().unwrap_or_default();
            let headline = headline.split_once(": ").map_or(headline, |(_, m)| m);
            let help = text.lines().find_map(|line| {
                line.trim_start()
                    .strip_prefix("= help: ")
                    .filter(|h| !h.starts_with("for further information"))
            });
            own.push(match help {
                Some(help) => format!("{headline}: {help}"),
                None => headline.to_string(),
            });
        }
        for reason in own {
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    }
    reasons
}

/// A forbidden use (a `clippy::disallowed_*` or [`HELD_ACROSS_AWAIT`]
/// message) from one line of cargo's JSON, if it is one.
fn forbidden(line: &str) -> Option<Diagnostic> {
    #[derive(Deserialize)]
    struct Line {
        reason: String,
        message: Option<Inner>,
    }
    #[derive(Deserialize)]
    struct Inner {
        code: Option<Code>,
        rendered: Option<String>,
    }
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    let line: Line = serde_json::from_str(line).ok()?;
    let message = line.message.filter(|_| line.reason == "compiler-message")?;
    let code = message.code?.code;
    let forbidden =
        code.starts_with("clippy::disallowed_") || HELD_ACROSS_AWAIT.contains(&code.as_str());
    forbidden.then(|| Diagnostic {
        level: "error".into(),
        rendered: message.rendered.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(rendered: &str) -> Diagnostic {
        Diagnostic { level: "error".into(), rendered: rendered.into() }
    }

    #[test]
    fn a_configured_reason_is_its_note_and_a_held_guard_says_clippys_own_words() {
        let sleep = diagnostic(
            "warning: use of a disallowed method `std::thread::sleep`\n  |\n  = note: blocks the runtime thread\n  = note: requested on the command line with `-W clippy::disallowed-methods`\n",
        );
        let held = diagnostic(
            "warning: this `MutexGuard` is held across an await point\n --> src/lib.rs:3:9\n  |\n  = help: consider using an async-aware `Mutex` type or ensuring the `MutexGuard` is dropped before calling `await`\nnote: these are all the await points this lock is held through\n  = help: for further information visit https://rust-lang.github.io/rust-clippy/\n  = note: requested on the command line with `-W clippy::await-holding-lock`\n",
        );
        assert_eq!(
            reasons(&[sleep.clone(), held, sleep]),
            [
                "blocks the runtime thread",
                "this `MutexGuard` is held across an await point: consider using an async-aware \
                 `Mutex` type or ensuring the `MutexGuard` is dropped before calling `await`",
            ]
        );
    }

    #[test]
    fn only_forbidden_uses_are_kept() {
        let line = |code: &str| {
            format!(
                r#"{{"reason":"compiler-message","message":{{"code":{{"code":"{code}"}},"rendered":"x"}}}}"#
            )
        };
        assert!(forbidden(&line("clippy::await_holding_lock")).is_some());
        assert!(forbidden(&line("clippy::disallowed_methods")).is_some());
        assert!(forbidden(&line("clippy::needless_return")).is_none());
    }
}
