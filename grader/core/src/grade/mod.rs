//! The one generic runner: refuse what must not be built, list an
//! exercise's checks from the reference's build, run each in its own
//! confined process with the exercise's time limit, and judge what came back.
//!
//! A check passes only if its process sent a passing outcome for that very
//! check over the result channel the grader handed it, and then ended with
//! exit code 0. Learner code that ends the process early leaves no result,
//! and that is a failure which says so. The list of checks to run is the
//! one the checks binary gives when built against the reference solution
//! (cached until the grader or the reference changes), so a learner's build
//! cannot leave a check out.

mod scope;

pub use scope::{Only, Options};

use crate::compile::{self, BuildEvent, Built, Target, Unit};
use crate::manifest::{Exercise, Model};
use crate::report::{CheckReport, ExerciseReport, Graded};
use crate::run::Run;
use crate::sandbox::Protections;
use crate::workbook::Workbook;
use crate::{lint, policy, Error};
use kata_protocol::{fail, human_duration, inconclusive, pass, CheckInfo, Outcome, Status};
use scope::step_name;
use std::time::Duration;

/// The address space a check may use: far more than any exercise needs,
/// far less than the machine has. Past it, allocations (and thread stacks)
/// fail inside the check, which then ends with a verdict that says so.
pub const MEMORY_LIMIT: u64 = 8 << 30;

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

/// Builds and checks one exercise: the plain build's checks, then the
/// exercise's lint, then each model checker's build and checks; of those,
/// what `options` asks for (every check, unless [`Options::only`] or
/// [`Options::replay`] says otherwise).
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
        partial: options.partial(),
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
    if options.target == Target::Learner {
        let reasons = policy::inspect(workbook, exercise);
        if !reasons.is_empty() {
            return Ok(report(Graded::Refused { reasons }));
        }
    }
    let run = Run {
        workbook,
        exercise,
        options: &options,
        code: code.canonicalize().unwrap_or(code),
        protections: Protections::probe(),
    };
    // The lists of checks first (cached; else from the reference's builds,
    // side by side), so that a run of some checks knows which builds it needs.
    let (plain_list, model_lists) = std::thread::scope(|scope| {
        let (run, emit) = (&run, &emit);
        let models: Vec<_> = exercise
            .models
            .iter()
            .map(|&model| scope.spawn(move || Ok((model, run.trusted_list(Some(model), emit)?))))
            .collect();
        let plain = run.trusted_list(None, emit);
        let models: Result<Vec<_>, Error> = models.into_iter().map(joined).collect();
        (plain, models)
    });
    let (plain_list, model_lists) = (plain_list?, model_lists?);
    let model_lists: Vec<_> = model_lists
        .into_iter()
        .filter(|(model, list)| options.wants_model(*model, list.as_deref()))
        .collect();
    let lint =
        exercise.lint.as_ref().filter(|name| options.wants_lint(name, !model_lists.is_empty()));
    // No check of the plain build to run (a replay, or only model checks
    // named): the code alone is built, for its compile errors and its
    // dep-info, and no checks binary is linked.
    let plain_unit = match &plain_list {
        Some(list) if selected(&options, None, list.clone()).is_empty() => Unit::Code,
        _ => Unit::Checks,
    };
    // Every build at once: the plain one, the lint and each model checker's.
    // They are separate cargo runs (the models in target dirs of their own),
    // so on two cores the learner's crate and the links of two builds run
    // side by side. No check runs before all are done: nothing is timed
    // against a build.
    let (plain, linted, models) = std::thread::scope(|scope| {
        let (emit, options) = (&emit, &options);
        let models: Vec<_> = model_lists
            .into_iter()
            .map(|(model, listed)| {
                scope.spawn(move || -> Result<_, Error> {
                    let built = build(workbook, exercise, options, Some(model), emit)?;
                    Ok((model, listed, built))
                })
            })
            .collect();
        let linted =
            lint.map(|name| scope.spawn(move || lint_check(workbook, exercise, name, options)));
        let plain = build_unit(workbook, exercise, options, (None, plain_unit), emit);
        let linted = linted.map(joined);
        let models: Vec<_> = models.into_iter().map(joined).collect();
        (plain, linted, models)
    });
    let (binary, dep_info) = match plain? {
        Built::Binary { binary, dep_info } => (Some(binary), dep_info),
        Built::Code { dep_info } => (None, dep_info),
        Built::CompileError(diagnostics) => {
            return Ok(report(Graded::CompileError { diagnostics }))
        }
        Built::TimedOut(limit) => return Ok(report(Graded::BuildTimedOut { limit })),
        Built::CargoFailed(stderr) => return Err(cargo_failed(exercise, &stderr)),
    };
    if let Some(reasons) = run.dep_info_refusals(dep_info.as_deref()) {
        return Ok(report(Graded::Refused { reasons }));
    }

    let mut reports = Vec::new();
    let mut lint_clean = true;
    if let Some(check) = linted.transpose()? {
        lint_clean = check.outcome.status != Status::Failed;
        emit(Event::Finished(check.clone()));
        reports.push(check);
    }
    if let Some(binary) = binary {
        let checks = match plain_list {
            Some(checks) => checks,
            None => run.list(&binary)?,
        };
        run.checks(&binary, selected(&options, None, checks), &emit, &mut reports)?;
    }

    for built in models {
        let (model, listed, built) = built?;
        let step = if !lint_clean {
            synthetic(
                &step_name(model),
                &format!("the checks under {}, which tries many interleavings", model.name()),
                fail(format!(
                    "not run: your code uses primitives that {} cannot see (the lint above names them), \
                     so no interleaving it tried would mean anything. Import them from `kata_sync` and check again.",
                    model.name()
                )),
            )
        } else {
            match built {
                Built::Binary { binary, .. } => {
                    let checks = match listed {
                        Some(checks) => checks,
                        None => run.list(&binary)?,
                    };
                    let checks = selected(&options, Some(model), checks);
                    run.checks(&binary, checks, &emit, &mut reports)?;
                    continue;
                }
                Built::CargoFailed(stderr) => return Err(cargo_failed(exercise, &stderr)),
                Built::Code { .. } => {
                    return Err(Error::Grader(format!(
                        "the {} build of {} made no checks binary: that is a bug in kata",
                        model.name(),
                        exercise.id()
                    )))
                }
                Built::CompileError(diagnostics) => {
                    let mut outcome = fail(format!(
                        "your code compiles with std but not with {}: it uses something the facade does not promise \
                         (loom has no `thread::scope`, say). rustc says:",
                        model.name()
                    ));
                    for diagnostic in diagnostics.iter().take(3) {
                        outcome = outcome.detail(diagnostic.rendered.trim_end());
                    }
                    synthetic(&step_name(model), "builds under the model checker", outcome)
                }
                Built::TimedOut(limit) => synthetic(
                    &step_name(model),
                    "builds under the model checker",
                    fail(format!(
                        "the {} build did not finish in {}",
                        model.name(),
                        human_duration(limit)
                    )),
                ),
            }
        };
        if options.runs(Some(model), &step.name) {
            emit(Event::Finished(step.clone()));
            reports.push(step);
        }
    }
    Ok(report(Graded::Checked { checks: reports }))
}

/// The checks of `model`'s build (`None`: the plain one) that `options` runs.
fn selected(options: &Options, model: Option<Model>, checks: Vec<CheckInfo>) -> Vec<CheckInfo> {
    checks.into_iter().filter(|check| options.runs(model, &check.name)).collect()
}

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Builds what the first `kata check` of `exercise` will need, running
/// nothing: the reference's builds (and so every dependency) with their
/// lists of checks, then the learner's plain and model builds and the lint. Called in the
/// background while the learner reads, so that the first verdict does not
/// wait for a cold build. Refused code is not built at all.
pub fn prepare(workbook: &Workbook, exercise: &Exercise) -> Result<(), Error> {
    if !policy::inspect(workbook, exercise).is_empty() {
        return Ok(());
    }
    let options = Options::whole(Target::Learner);
    let run = Run {
        workbook,
        exercise,
        options: &options,
        code: workbook.exercise_file(exercise),
        protections: Protections::probe(),
    };
    let quiet = |_: Event| {};
    for model in std::iter::once(None).chain(exercise.models.iter().copied().map(Some)) {
        run.trusted_list(model, &quiet)?;
        if let Built::CargoFailed(stderr) = build(workbook, exercise, &options, model, &quiet)? {
            return Err(cargo_failed(exercise, &stderr));
        }
    }
    // The lint's own checking of the dependencies, in the model's target dir.
    if let Some(name) = &exercise.lint {
        lint_check(workbook, exercise, name, &options)?;
    }
    Ok(())
}

pub(crate) fn build(
    workbook: &Workbook,
    exercise: &Exercise,
    options: &Options,
    model: Option<Model>,
    emit: &(impl Fn(Event) + Clone + Send + 'static),
) -> Result<Built, Error> {
    build_unit(workbook, exercise, options, (model, Unit::Checks), emit)
}

fn build_unit(
    workbook: &Workbook,
    exercise: &Exercise,
    options: &Options,
    what: (Option<Model>, Unit),
    emit: &(impl Fn(Event) + Clone + Send + 'static),
) -> Result<Built, Error> {
    let emit = emit.clone();
    compile::build(workbook, exercise, options.target, what, options.color, move |e| {
        emit(Event::Build(e))
    })
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
    let linted = lint::lint(
        workbook,
        exercise,
        options.target,
        name,
        exercise.models.first().copied(),
        options.color,
    )?;
    let outcome = match linted {
        lint::Linted::Clean => pass("nothing that this exercise forbids"),
        lint::Linted::Unavailable(why) => inconclusive(format!("could not lint your code: {why}")),
        lint::Linted::TimedOut(limit) => fail(format!(
            "clippy did not finish reading your crate in {}: code that runs at compile time (a `const`) \
             and never ends, as clippy builds it?",
            human_duration(limit)
        )),
        lint::Linted::Forbidden(found) => {
            // The reasons from the lint's configuration teach; say each once.
            let reasons = lint::reasons(&found);
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

pub(crate) fn cargo_failed(exercise: &Exercise, stderr: &str) -> Error {
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
