//! Running an exercise's checks: the trusted list of checks (from the
//! reference's build, cached), each check in a confined process of its own
//! with the result channel, and the judgement of how it ended.

use crate::child::{self, Exit, Finished};
use crate::compile::{self, Built, Target};
use crate::grade::{build, cargo_failed, Event, Options, MEMORY_LIMIT};
use crate::manifest::{Exercise, Model};
use crate::report::CheckReport;
use crate::sandbox::{self, Confinement, Protections};
use crate::workbook::Workbook;
use crate::{policy, Error};
use kata_protocol::{fail, human_duration, var, CheckInfo, Message, Outcome, THREAD_REFUSED};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// One grading run's context: what is checked, and how checks are confined.
pub(crate) struct Run<'a> {
    pub workbook: &'a Workbook,
    pub exercise: &'a Exercise,
    pub options: &'a Options,
    /// The file under check, absolute.
    pub code: PathBuf,
    pub protections: Protections,
}

impl Run<'_> {
    /// The checks to run for `model`'s build, from the reference's build of
    /// the checks: cached under the target dir, keyed by everything that
    /// could change the list, and rebuilt when that changes. `None` when
    /// the reference itself is under check (its own build is trusted).
    /// Building the reference first also builds every dependency, so the
    /// learner's build that follows only compiles the learner's crate.
    pub(crate) fn trusted_list(
        &self,
        model: Option<Model>,
        emit: &(impl Fn(Event) + Clone + Send + 'static),
    ) -> Result<Option<Vec<CheckInfo>>, Error> {
        if self.options.target == Target::Reference {
            return Ok(None);
        }
        let cache = compile::target_dir(self.workbook).join("kata").join("lists").join(format!(
            "{}-{}.json",
            self.exercise.slug,
            model.map_or("plain", Model::name)
        ));
        let key = fingerprint(self.workbook, self.exercise, model);
        if let Some(checks) = read_cache(&cache, &key) {
            return Ok(Some(checks));
        }
        let reference = Options { target: Target::Reference, ..self.options.clone() };
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
    pub(crate) fn list(&self, binary: &Path) -> Result<Vec<CheckInfo>, Error> {
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
    pub(crate) fn checks(
        &self,
        binary: &Path,
        checks: Vec<CheckInfo>,
        emit: &impl Fn(Event),
        reports: &mut Vec<CheckReport>,
    ) -> Result<(), Error> {
        emit(Event::Listed { count: checks.len() });
        let limit = self.exercise.time_limit;
        for info in checks {
            emit(Event::Starting { name: info.name.clone() });
            let mut command = Command::new(binary);
            command.args(["--kata-run", &info.name]);
            let (finished, received) = self.confined(command, binary, limit, &info.name)?;
            let outcome = match Message::parse(&received) {
                None if !received.is_empty() && finished.exit == Exit::Code(0) => fail(
                    "the check's process sent a result kata could not read (cut short, or larger than \
                     it believes): a check never does that, so something in the process wrote over it.",
                ),
                message => judge(&finished, message, &info.name, limit),
            };
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
        // One folder a run: the lists of the plain and the model builds are
        // made at the same time in one process, and each folder is removed
        // when its run ends.
        static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let scratch = compile::target_dir(self.workbook).join("kata").join("run").join(format!(
            "{}-{run}-{}",
            std::process::id(),
            safe_name(what)
        ));
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
        let ran = crate::channel::run_with_channel(command, limit, &scratch)
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
            (var::TIME_LIMIT.to_string(), self.exercise.time_limit.as_secs().to_string()),
            (var::SOURCE.to_string(), self.code.display().to_string()),
            // The checks talk to their own server on 127.0.0.1: no proxy
            // may sit in between.
            ("NO_PROXY".into(), "127.0.0.1,localhost".into()),
            ("no_proxy".into(), "127.0.0.1,localhost".into()),
        ];
        if let Some(schedule) = &self.options.replay {
            env.push((var::REPLAY.into(), schedule.to_string()));
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
    pub(crate) fn dep_info_refusals(
        &self,
        dep_info: Option<&Path>,
    ) -> Option<Vec<policy::Refusal>> {
        if self.options.target != Target::Learner {
            return None;
        }
        let src = self.workbook.exercise_dir(self.exercise).join("src");
        let problems = match dep_info {
            Some(file) => policy::dep_info(file, &src, self.workbook.root()).unwrap_or_else(|e| {
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
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .take(60)
        .collect()
}

/// A hash of everything that could change an exercise's list of checks:
/// the grader's sources (checks, harness, protocol, facade), the
/// reference's folder, the manifest and the lock file.
fn fingerprint(workbook: &Workbook, exercise: &Exercise, model: Option<Model>) -> String {
    let root = workbook.root();
    let solution_dir = workbook
        .solution_file(exercise)
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut paths = vec![root.join("grader"), solution_dir];
    paths.extend(["kata.toml", "Cargo.toml", "Cargo.lock"].map(|f| root.join(f)));
    crate::pin::files_hash(
        root,
        &paths,
        &[model.map_or("plain", Model::name), env!("CARGO_PKG_VERSION")],
    )
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
    if let (Exit::Code(0), Some(Message::Ran { check: named, outcome })) = (finished.exit, received)
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
             An unbounded buffer, a collection that grows without end, or too many threads at once \
             (each one reserves its stack)?",
            MEMORY_LIMIT >> 30,
            stderr.lines().find(|l| l.contains("memory allocation of")).unwrap_or_default().trim()
        ),
        _ if thread_refused(&stderr) => format!(
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

/// Whether the system refused the code a thread, by what the process printed
/// (the checks tell it from the panic, before the process can abort; this
/// reads it when that did not happen).
fn thread_refused(stderr: &str) -> bool {
    THREAD_REFUSED.iter().any(|refused| stderr.contains(refused))
}

#[cfg(test)]
mod tests {
    use super::thread_refused;

    #[test]
    fn a_thread_refused_at_its_start_is_told_as_one_refused_at_the_spawn() {
        let aborted = "thread '<unnamed>' panicked at library/std/src/sys/pal/unix/stack_overflow.rs:\n\
                       failed to allocate an alternative stack: Cannot allocate memory (os error 12)\n";
        assert!(thread_refused(aborted));
        assert!(thread_refused("called `Result::unwrap()`: failed to spawn thread: WouldBlock"));
        assert!(!thread_refused("thread 'main' has overflowed its stack"));
    }
}
