//! The one generic runner: list an exercise's checks, run each in its own
//! process with the exercise's time limit, and judge what came back.
//!
//! A check passes only if its process wrote a passing outcome to the result
//! file the grader named. Exit codes prove nothing: learner code that calls
//! `std::process::exit(0)` in the middle of a check leaves no result, and that
//! is a failure which says so.

use crate::child::{self, Exit, Finished};
use crate::compile::{self, BuildEvent, Built, Target};
use crate::manifest::{Exercise, Model};
use crate::report::{CheckReport, ExerciseReport, Graded};
use crate::workbook::Workbook;
use crate::Error;
use kata_check::protocol::Status;
use kata_check::protocol::{human_duration, CheckInfo, Outcome};
use kata_check::{fail, inconclusive, pass};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The address space a check may use: far more than any exercise needs,
/// far less than the machine has. Past it, allocations (and thread stacks)
/// fail inside the check, which then ends with a verdict that says so.
pub const MEMORY_LIMIT: u64 = 8 << 30;

const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// What a grading run reports while it works, for a progress display.
#[derive(Debug, Clone)]
pub enum Event {
    Build(BuildEvent),
    /// The checks were built; `count` checks will run.
    Listed {
        count: usize,
    },
    /// A check is about to run.
    Starting {
        name: String,
    },
    /// A check ended.
    Finished(CheckReport),
}

/// Options of a grading run.
#[derive(Debug, Clone)]
pub struct Options {
    pub target: Target,
    /// Ask rustc for coloured diagnostics.
    pub color: bool,
    /// Run model checks on this one schedule only (`random-17`, `pct-4`),
    /// as a failing model check printed it.
    pub replay: Option<String>,
}

/// Builds and checks one exercise: the plain build's checks, then the
/// exercise's lint, then each model checker's build and checks.
pub fn grade(
    workbook: &Workbook,
    exercise: &Exercise,
    options: Options,
    on_event: impl FnMut(Event) + Send + 'static,
) -> Result<ExerciseReport, Error> {
    let on_event = std::sync::Arc::new(std::sync::Mutex::new(on_event));
    let emit = move |event: Event| (on_event.lock().unwrap_or_else(|e| e.into_inner()))(event);
    let report = |result| ExerciseReport {
        slug: exercise.slug.clone(),
        target: options.target,
        result,
    };

    let code = match options.target {
        Target::Learner => workbook.exercise_file(exercise),
        Target::Reference => workbook.solution_file(exercise),
    };
    if !code.is_file() {
        return Err(Error::Grader(format!(
            "{} is missing, so there is nothing to check. `kata reset {}` puts the original stub back.",
            workbook.relative(&code).display(),
            exercise.id()
        )));
    }
    let binary = match build(workbook, exercise, &options, None, &emit)? {
        Built::Binary(binary) => binary,
        Built::CompileError(diagnostics) => {
            return Ok(report(Graded::CompileError { diagnostics }))
        }
        Built::TimedOut(limit) => return Ok(report(Graded::BuildTimedOut { limit })),
        Built::CargoFailed(stderr) => return Err(cargo_failed(exercise, &stderr)),
    };
    let scratch = workbook.scratch_dir();
    std::fs::create_dir_all(&scratch)
        .map_err(|e| Error::io(format!("could not create {}", scratch.display()), e))?;

    let mut reports = Vec::new();
    let mut lint_clean = true;
    if let Some(name) = &exercise.lint {
        let check = lint_check(workbook, exercise, name, &options)?;
        lint_clean = check.outcome.status != Status::Failed;
        emit(Event::Finished(check.clone()));
        reports.push(check);
    }
    run_checks(
        workbook,
        exercise,
        &binary,
        &scratch,
        &options,
        &emit,
        &mut reports,
    )?;

    for &model in &exercise.models {
        let name = format!("model-{}", model.name());
        if !lint_clean {
            let check = synthetic(
                &name,
                &format!("the checks under {}, which tries many interleavings", model.name()),
                fail(format!(
                    "not run: your code uses primitives that {} cannot see (the lint above names them), \
                     so no interleaving it tried would mean anything. Import them from `kata_sync` and check again.",
                    model.name()
                )),
            );
            emit(Event::Finished(check.clone()));
            reports.push(check);
            continue;
        }
        match build(workbook, exercise, &options, Some(model), &emit)? {
            Built::Binary(binary) => run_checks(
                workbook,
                exercise,
                &binary,
                &scratch,
                &options,
                &emit,
                &mut reports,
            )?,
            Built::CompileError(diagnostics) => {
                let mut outcome = fail(format!(
                    "your code compiles with std but not with {}: it uses something the facade does not promise \
                     (loom has no `thread::scope`, say). rustc says:",
                    model.name()
                ));
                for diagnostic in diagnostics.iter().take(3) {
                    outcome = outcome.detail(diagnostic.rendered.trim_end());
                }
                let check = synthetic(&name, "builds under the model checker", outcome);
                emit(Event::Finished(check.clone()));
                reports.push(check);
            }
            Built::CargoFailed(stderr) => return Err(cargo_failed(exercise, &stderr)),
            Built::TimedOut(limit) => {
                let check = synthetic(
                    &name,
                    "builds under the model checker",
                    fail(format!(
                        "the {} build did not finish in {}",
                        model.name(),
                        human_duration(limit)
                    )),
                );
                emit(Event::Finished(check.clone()));
                reports.push(check);
            }
        }
    }
    Ok(report(Graded::Checked { checks: reports }))
}

fn build(
    workbook: &Workbook,
    exercise: &Exercise,
    options: &Options,
    model: Option<Model>,
    emit: &(impl Fn(Event) + Clone + Send + 'static),
) -> Result<Built, Error> {
    let emit = emit.clone();
    compile::build(
        workbook,
        exercise,
        options.target,
        model,
        options.color,
        move |e| emit(Event::Build(e)),
    )
}

/// The lint step as a check: clippy with the exercise's configuration.
fn lint_check(
    workbook: &Workbook,
    exercise: &Exercise,
    name: &str,
    options: &Options,
) -> Result<CheckReport, Error> {
    let started = std::time::Instant::now();
    // Against the reference, the lint proves it keeps the rules it teaches.
    let linted = compile::lint(
        workbook,
        exercise,
        options.target,
        name,
        exercise.models.first().copied(),
        options.color,
    )?;
    let outcome = match linted {
        compile::Linted::Clean => pass("nothing that this exercise forbids"),
        compile::Linted::Unavailable(why) => {
            inconclusive(format!("could not lint your code: {why}"))
        }
        compile::Linted::Forbidden(found) => {
            // The reasons from the lint's configuration teach; say each once.
            let mut reasons: Vec<String> = Vec::new();
            for diagnostic in &found {
                for line in compile::strip_ansi(&diagnostic.rendered).lines() {
                    let Some(note) = line.trim_start().strip_prefix("= note: ") else {
                        continue;
                    };
                    if !note.starts_with("requested on the command line")
                        && !reasons.iter().any(|r| r == note)
                    {
                        reasons.push(note.to_string());
                    }
                }
            }
            let mut outcome = fail(format!(
                "your code uses {} thing(s) this exercise forbids: {}. Where, below:",
                found.len(),
                reasons.join("; ")
            ));
            for diagnostic in found.iter().take(4) {
                outcome = outcome.detail(diagnostic.rendered.trim_end());
            }
            outcome
        }
    };
    let mut check = synthetic(
        &format!("lint-{name}"),
        &format!("clippy with grader/lints/{name}/clippy.toml"),
        outcome,
    );
    check.elapsed = started.elapsed();
    Ok(check)
}

fn cargo_failed(exercise: &Exercise, stderr: &str) -> Error {
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            !l.trim_start().starts_with("Compiling") && !l.trim_start().starts_with("Blocking")
        })
        .collect();
    Error::Grader(format!(
        "cargo could not build the checks of {} before compiling any code, so nothing was checked. Cargo says:\n{}\n\
         If the workbook is read-only or was moved, run kata from a writable copy; if you edited a Cargo.toml, undo that.",
        exercise.id(),
        said.join("\n").trim()
    ))
}

fn synthetic(name: &str, about: &str, outcome: Outcome) -> CheckReport {
    CheckReport {
        name: name.to_string(),
        about: about.to_string(),
        outcome,
        elapsed: Duration::ZERO,
    }
}

/// Lists the checks of `binary` and runs each in its own process, one at a
/// time: on a 2-core machine two timing checks at once would measure each
/// other.
fn run_checks(
    workbook: &Workbook,
    exercise: &Exercise,
    binary: &Path,
    scratch: &Path,
    options: &Options,
    emit: &impl Fn(Event),
    reports: &mut Vec<CheckReport>,
) -> Result<(), Error> {
    let checks = list(binary, scratch)?;
    emit(Event::Listed {
        count: checks.len(),
    });
    for info in checks {
        emit(Event::Starting {
            name: info.name.clone(),
        });
        let result_file = scratch.join(format!("result-{}-{}.json", std::process::id(), info.name));
        let _ = std::fs::remove_file(&result_file);
        let mut command = Command::new(binary);
        command
            .current_dir(workbook.root())
            .args(["--kata-run", &info.name, "--out"])
            .arg(&result_file);
        // The checks talk to their own server on 127.0.0.1; a proxy from the
        // learner's environment must not sit in between.
        for var in PROXY_VARIABLES {
            command.env_remove(var);
        }
        command
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost");
        match &options.replay {
            Some(schedule) => command.env("KATA_REPLAY", schedule),
            None => command.env_remove("KATA_REPLAY"),
        };
        if let Some(medals) = exercise.medals {
            // The manifest keeps the thresholds; the check reads them here.
            command.env(
                kata_check::MEDALS_VARIABLE,
                format!("silver={},gold={}", medals.silver, medals.gold),
            );
        }
        if !options.color {
            // Pictures in the checks' reports are drawn in plain ASCII.
            command.env("KATA_PLAIN", "1");
        }
        child::limit_memory(&mut command, MEMORY_LIMIT);
        let finished = child::run(command, exercise.time_limit, |_| {})
            .map_err(|e| Error::io(format!("could not run {}", binary.display()), e))?;
        let outcome = judge(&finished, &result_file, exercise.time_limit);
        let _ = std::fs::remove_file(&result_file);
        let check = CheckReport {
            name: info.name,
            about: info.about,
            outcome,
            elapsed: finished.elapsed,
        };
        emit(Event::Finished(check.clone()));
        reports.push(check);
    }
    Ok(())
}

/// Asks the checks binary for its list of checks.
fn list(binary: &Path, scratch: &Path) -> Result<Vec<CheckInfo>, Error> {
    let out = scratch.join(format!("list-{}.json", std::process::id()));
    let mut command = Command::new(binary);
    command.arg("--kata-list").arg("--out").arg(&out);
    let finished = child::run(command, Duration::from_secs(30), |_| {})
        .map_err(|e| Error::io(format!("could not run {}", binary.display()), e))?;
    let listed = read_json::<Vec<CheckInfo>>(&out);
    let _ = std::fs::remove_file(&out);
    listed.ok_or_else(|| {
        Error::Grader(format!(
            "the checks binary {} did not list its checks (it ended with {:?}): {}",
            binary.display(),
            finished.exit,
            finished.stderr.text().trim()
        ))
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Turns how a check's process ended into its verdict.
fn judge(finished: &Finished, result_file: &Path, limit: Duration) -> Outcome {
    if finished.exit != Exit::TimedOut {
        if let Some(outcome) = read_json::<Outcome>(result_file) {
            return outcome;
        }
    }
    let stderr = finished.stderr.text();
    let message = match finished.exit {
        Exit::TimedOut => format!(
            "did not finish in {}: a deadlock, a lost wake-up, or a loop that never ends?",
            human_duration(limit)
        ),
        _ if stderr.contains("memory allocation of") => format!(
            "your code ran out of memory: it asked for more than the {} GiB a check may use ({}). \
             An unbounded buffer, or a collection that grows without end?",
            MEMORY_LIMIT >> 30,
            stderr.lines().find(|l| l.contains("memory allocation of")).unwrap_or_default().trim()
        ),
        _ if stderr.contains("failed to spawn thread") => format!(
            "your code could not start another thread: too many threads at once for the {} GiB a check may use. \
             Bound the number of threads (a pool), instead of one per item.",
            MEMORY_LIMIT >> 30
        ),
        _ if stderr.contains("has overflowed its stack") => {
            "your code overflowed its stack: a recursion that never stops, or a very large value on the stack?".into()
        }
        Exit::Code(0) => "the check's process ended before the check finished, with exit code 0: \
             did your code call `std::process::exit`? Library code must return, never end the whole process."
            .into(),
        Exit::Code(code) => format!(
            "the check's process ended before the check finished, with exit code {code}: \
             did your code call `std::process::exit`?"
        ),
        Exit::Signal(6) => "your code aborted the process (`std::process::abort`, or a panic while already panicking, say in a `Drop`)".into(),
        Exit::Signal(9) => "the process was killed from outside: out of memory?".into(),
        Exit::Signal(11) => "the process crashed (segmentation fault): `unsafe` code touching memory it does not own?".into(),
        Exit::Signal(signal) => format!("the process was ended by signal {signal}"),
    };
    let mut outcome = fail(message);
    for (name, stream) in [("stdout", &finished.stdout), ("stderr", &finished.stderr)] {
        let text = stream.text();
        let tail: Vec<&str> = text.lines().rev().take(8).collect();
        if tail.is_empty() {
            continue;
        }
        outcome = outcome.detail(format!(
            "last lines of {name}{}:",
            if stream.truncated() {
                format!(" (of the first {} KiB kept)", child::KEPT_OUTPUT / 1024)
            } else {
                String::new()
            }
        ));
        for line in tail.into_iter().rev() {
            outcome = outcome.detail(format!("  {line}"));
        }
    }
    outcome
}
