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

use crate::child::{self, Exit, Finished};
use crate::compile::{self, BuildEvent, Built, Target};
use crate::manifest::{Exercise, Model};
use crate::report::{CheckReport, ExerciseReport, Graded};
use crate::sandbox::{self, Confinement, Protections};
use crate::workbook::Workbook;
use crate::{policy, Error};
use kata_protocol::Status;
use kata_protocol::{fail, human_duration, inconclusive, pass, var, CheckInfo, Message, Outcome};
use std::path::{Path, PathBuf};
use std::process::Command;
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
    let listed = run.trusted_list(None, &emit)?;
    let binary = match build(workbook, exercise, &options, None, &emit)? {
        Built::Binary { binary, dep_info } => {
            if let Some(reasons) = run.dep_info_refusals(dep_info.as_deref()) {
                return Ok(report(Graded::Refused { reasons }));
            }
            binary
        }
        Built::CompileError(diagnostics) => {
            return Ok(report(Graded::CompileError { diagnostics }))
        }
        Built::TimedOut(limit) => return Ok(report(Graded::BuildTimedOut { limit })),
        Built::CargoFailed(stderr) => return Err(cargo_failed(exercise, &stderr)),
    };

    let mut reports = Vec::new();
    let mut lint_clean = true;
    if let Some(name) = &exercise.lint {
        let check = lint_check(workbook, exercise, name, &options)?;
        lint_clean = check.outcome.status != Status::Failed;
        emit(Event::Finished(check.clone()));
        reports.push(check);
    }
    let checks = match listed {
        Some(checks) => checks,
        None => run.list(&binary)?,
    };
    run.checks(&binary, checks, &emit, &mut reports)?;

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
        let listed = run.trusted_list(Some(model), &emit)?;
        match build(workbook, exercise, &options, Some(model), &emit)? {
            Built::Binary { binary, .. } => {
                let checks = match listed {
                    Some(checks) => checks,
                    None => run.list(&binary)?,
                };
                run.checks(&binary, checks, &emit, &mut reports)?
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

/// One grading run's context: what is checked, and how checks are confined.
struct Run<'a> {
    workbook: &'a Workbook,
    exercise: &'a Exercise,
    options: &'a Options,
    /// The file under check, absolute.
    code: PathBuf,
    protections: Protections,
}

impl Run<'_> {
    /// The checks to run for `model`'s build, from the reference's build of
    /// the checks: cached under the target dir, keyed by everything that
    /// could change the list, and rebuilt when that changes. `None` when
    /// the reference itself is under check (its own build is trusted).
    /// Building the reference first also builds every dependency, so the
    /// learner's build that follows only compiles the learner's crate.
    fn trusted_list(
        &self,
        model: Option<Model>,
        emit: &(impl Fn(Event) + Clone + Send + 'static),
    ) -> Result<Option<Vec<CheckInfo>>, Error> {
        if self.options.target == Target::Reference {
            return Ok(None);
        }
        let cache = compile::target_dir(self.workbook)
            .join("kata")
            .join("lists")
            .join(format!(
                "{}-{}.json",
                self.exercise.slug,
                model.map_or("plain", Model::name)
            ));
        let key = fingerprint(self.workbook, self.exercise, model);
        if let Some(checks) = read_cache(&cache, &key) {
            return Ok(Some(checks));
        }
        let reference = Options {
            target: Target::Reference,
            ..self.options.clone()
        };
        let binary = match build(self.workbook, self.exercise, &reference, model, emit)? {
            Built::Binary { binary, .. } => binary,
            Built::CargoFailed(stderr) => return Err(cargo_failed(self.exercise, &stderr)),
            _ => {
                return Err(Error::Grader(format!(
                    "the checks of {} do not build against the reference solution{}, so kata cannot tell which \
                     checks to run: that is a bug in kata. `kata check {} --solution` shows the error.",
                    self.exercise.id(),
                    model.map(|m| format!(" under {}", m.name())).unwrap_or_default(),
                    self.exercise.id()
                )))
            }
        };
        let checks = self.list(&binary)?;
        if let Some(dir) = cache.parent() {
            let _ = std::fs::create_dir_all(dir);
            let text = serde_json::json!({ "key": key, "checks": checks });
            let _ = std::fs::write(&cache, text.to_string());
        }
        Ok(Some(checks))
    }

    /// Asks a checks binary for its list of checks.
    fn list(&self, binary: &Path) -> Result<Vec<CheckInfo>, Error> {
        let mut command = Command::new(binary);
        command.arg("--kata-list");
        let (finished, received) =
            self.confined(command, binary, Duration::from_secs(30), "list")?;
        match (finished.exit, Message::parse(&received)) {
            (Exit::Code(0), Some(Message::Listed { checks })) if !checks.is_empty() => Ok(checks),
            _ => Err(Error::Grader(format!(
                "the checks binary {} did not list its checks (it ended with {:?}): {}",
                binary.display(),
                finished.exit,
                finished.stderr.text().trim()
            ))),
        }
    }

    /// Runs each check in its own process, one at a time: on a 2-core
    /// machine two timing checks at once would measure each other.
    fn checks(
        &self,
        binary: &Path,
        checks: Vec<CheckInfo>,
        emit: &impl Fn(Event),
        reports: &mut Vec<CheckReport>,
    ) -> Result<(), Error> {
        emit(Event::Listed {
            count: checks.len(),
        });
        let limit = self.exercise.time_limit;
        for info in checks {
            emit(Event::Starting {
                name: info.name.clone(),
            });
            let mut command = Command::new(binary);
            command.args(["--kata-run", &info.name]);
            let (finished, received) = self.confined(command, binary, limit, &info.name)?;
            let outcome = judge(&finished, Message::parse(&received), &info.name, limit);
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

    /// Runs `command` (a checks binary) confined, in a fresh scratch folder
    /// of its own that is removed afterwards, with the result channel.
    fn confined(
        &self,
        command: Command,
        binary: &Path,
        limit: Duration,
        what: &str,
    ) -> Result<(Finished, Vec<u8>), Error> {
        let mut command = command;
        let scratch = compile::target_dir(self.workbook)
            .join("kata")
            .join("run")
            .join(format!("{}-{}", std::process::id(), safe_name(what)));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)
            .map_err(|e| Error::io(format!("could not create {}", scratch.display()), e))?;
        let env = self.environment();
        let how = Confinement {
            scratch: &scratch,
            program: binary,
            env: &env,
            memory_limit: MEMORY_LIMIT,
        };
        sandbox::confine(&mut command, &how, &self.protections)
            .map_err(|e| Error::io("could not confine the check's process", e))?;
        let ran = child::run_with_channel(command, limit, &scratch)
            .map_err(|e| Error::io(format!("could not run {}", binary.display()), e));
        let _ = std::fs::remove_dir_all(&scratch);
        let (finished, received) = ran?;
        if finished.exit == Exit::Code(sandbox::SANDBOX_FAILED_EXIT)
            && finished.stderr.text().starts_with("kata sandbox:")
        {
            return Err(Error::Grader(format!(
                "kata could not confine the check's process: {}",
                finished.stderr.text().trim()
            )));
        }
        Ok((finished, received))
    }

    /// All a check's process finds in its environment.
    fn environment(&self) -> Vec<(String, String)> {
        let mut env = vec![
            (var::EXERCISE.to_string(), self.exercise.id()),
            (
                var::TIME_LIMIT.to_string(),
                self.exercise.time_limit.as_secs().to_string(),
            ),
            (var::SOURCE.to_string(), self.code.display().to_string()),
            // The checks talk to their own server on 127.0.0.1: no proxy
            // may sit in between.
            ("NO_PROXY".into(), "127.0.0.1,localhost".into()),
            ("no_proxy".into(), "127.0.0.1,localhost".into()),
        ];
        if let Some(schedule) = &self.options.replay {
            env.push((var::REPLAY.into(), schedule.clone()));
        }
        if let Some(medals) = self.exercise.medals {
            // The manifest keeps the thresholds; the check reads them here.
            env.push((
                var::MEDALS.into(),
                format!("silver={},gold={}", medals.silver, medals.gold),
            ));
        }
        if !self.options.color {
            // Pictures in the checks' reports are drawn in plain ASCII.
            env.push((var::PLAIN.into(), "1".into()));
        }
        env
    }

    /// The dep-info check of the learner's build, as refusals.
    fn dep_info_refusals(&self, dep_info: Option<&Path>) -> Option<Vec<policy::Refusal>> {
        if self.options.target != Target::Learner {
            return None;
        }
        let src = self.workbook.exercise_dir(self.exercise).join("src");
        let problems = match dep_info {
            Some(file) => policy::dep_info(file, &src).unwrap_or_else(|e| {
                vec![format!(
                    "left no dep-info kata could read ({e}), so what went into it is unknown"
                )]
            }),
            None => vec!["left no dep-info, so what went into it is unknown".into()],
        };
        (!problems.is_empty()).then(|| {
            problems
                .into_iter()
                .map(|problem| policy::Refusal {
                    file: self.workbook.relative(&src).to_path_buf(),
                    line: None,
                    message: format!(
                        "the crate built from here {problem}: code under check must come from its own src/ alone. \
                         Nothing was run."
                    ),
                })
                .collect()
        })
    }
}

/// `name` with only letters, digits and `-`, for a folder name.
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect()
}

/// A hash of everything that could change an exercise's list of checks:
/// the grader's sources (checks, harness, protocol, facade), the
/// reference's folder, the manifest and the lock file.
fn fingerprint(workbook: &Workbook, exercise: &Exercise, model: Option<Model>) -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    model.map(Model::name).hash(&mut hasher);
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    let root = workbook.root();
    let solution_dir = workbook
        .solution_file(exercise)
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut files = Vec::new();
    for dir in [root.join("grader"), solution_dir] {
        collect_files(&dir, &mut files);
    }
    files.extend(["kata.toml", "Cargo.toml", "Cargo.lock"].map(|f| root.join(f)));
    files.sort();
    for file in files {
        file.strip_prefix(root).unwrap_or(&file).hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && entry.file_name() != "target" => {
                collect_files(&path, files)
            }
            Ok(kind) if kind.is_file() => files.push(path),
            _ => {}
        }
    }
}

fn read_cache(path: &Path, key: &str) -> Option<Vec<CheckInfo>> {
    #[derive(serde::Deserialize)]
    struct Cached {
        key: String,
        checks: Vec<CheckInfo>,
    }
    let cached: Cached = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    (cached.key == key && !cached.checks.is_empty()).then_some(cached.checks)
}

/// Turns how a check's process ended, and what it sent, into its verdict.
/// A result counts only when it names the check that was asked for and the
/// process then ended with exit code 0.
fn judge(finished: &Finished, received: Option<Message>, check: &str, limit: Duration) -> Outcome {
    if let (
        Exit::Code(0),
        Some(Message::Ran {
            check: named,
            outcome,
        }),
    ) = (finished.exit, received)
    {
        if named == check {
            return outcome;
        }
        return fail(format!(
            "the check's process answered for `{named}` when `{check}` was asked for: kata believes only \
             the answer to its own question."
        ));
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
