//! Building an exercise's checks binary against the learner's crate or the
//! reference solution.
//!
//! Cargo is always called the same way (same profile, same package, features
//! chosen only by the target) so that nothing rebuilds because of feature
//! unification between calls. Cargo's JSON messages give the binary's path,
//! rustc's own rendered diagnostics, and which crates are being built, which
//! the caller can show while the first build of the dependencies runs.

mod messages;

use crate::child::{self, Exit};
use crate::manifest::{Exercise, Model};
use crate::workbook::Workbook;
use crate::Error;
use messages::Messages;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The cargo profile every check is built with (see the root `Cargo.toml`).
pub const PROFILE: &str = "grade";

/// A build may take this long before it is stopped: long enough for the first
/// build of every dependency on a busy 2-core machine, short enough that a
/// compile that never ends (a `const` evaluation loop) ends as a verdict.
pub const BUILD_LIMIT: Duration = Duration::from_secs(20 * 60);

/// Once cargo starts compiling the learner's own crate (all dependencies are
/// built by then), the rest of the build gets this long. An exercise crate
/// compiles in seconds; a `const` whose evaluation never ends does not.
pub const LEARNER_COMPILE_LIMIT: Duration = Duration::from_secs(60);

/// Whose code the checks run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The learner's crate in `exercises/`.
    Learner,
    /// The reference solution in `solutions/`.
    Reference,
}

impl Target {
    /// The package holding this target's code of `exercise`.
    pub fn package(self, exercise: &Exercise) -> String {
        match self {
            Target::Learner => exercise.slug.clone(),
            Target::Reference => format!("{}-solution", exercise.slug),
        }
    }

    /// The checks crate's feature that selects this target.
    fn feature(self) -> &'static str {
        match self {
            Target::Learner => "learner",
            Target::Reference => "reference",
        }
    }
}

/// What a build makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// The checks binary, linked to the code under check.
    Checks,
    /// The code under check alone: all that is needed to see that it
    /// compiles and what went into it, when no check of the build is to
    /// run (the checks binary is most of a build's cost).
    Code,
}

/// Something that happened during a build, for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildEvent {
    /// Cargo compiled (not merely found fresh) a crate.
    Compiled { package: String, dependency: bool },
}

/// One of rustc's messages, as rustc rendered it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub level: String,
    pub rendered: String,
}

#[derive(Debug)]
pub enum Built {
    /// The checks binary, ready to run, and rustc's dep-info of the crate
    /// under check (where cargo named it).
    Binary { binary: PathBuf, dep_info: Option<PathBuf> },
    /// [`Unit::Code`] built: rustc's dep-info of the crate under check.
    Code { dep_info: Option<PathBuf> },
    /// The code did not compile: rustc's errors, the first error first.
    CompileError(Vec<Diagnostic>),
    /// The build did not end in time (the limit it had).
    TimedOut(Duration),
    /// Cargo failed before rustc said anything: a broken `Cargo.toml`, a
    /// missing file, an unwritable target dir. Cargo's own words.
    CargoFailed(String),
}

/// The cargo that runs kata (`CARGO` under `cargo run`), else the one on PATH,
/// without the variables that would change how code is compiled: the grader
/// alone decides the flags, wrappers and profile settings of a check's build.
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_none_or(changes_compilation) {
            command.env_remove(&name);
        }
    }
    // Its messages are read line by line: no progress bar among them.
    command.env("CARGO_TERM_PROGRESS_WHEN", "never");
    // The build compiles untrusted code (a `const` may never end): cargo
    // dies with kata, and every rustc with its cargo, kata being the
    // wrapper that asks the kernel for that before it becomes rustc.
    child::die_with_parent(&mut command);
    #[cfg(target_os = "linux")]
    if let Ok(kata) = std::env::current_exe() {
        command.env("RUSTC_WRAPPER", kata).env(WRAPPER_VARIABLE, "1");
    }
    command
}

/// Set on the cargo that kata starts, where kata is rustc's wrapper.
pub const WRAPPER_VARIABLE: &str = "KATA_AS_RUSTC_WRAPPER";

/// kata as cargo's `RUSTC_WRAPPER` (`kata <rustc> <args>...`): asks to be
/// killed when its parent (cargo) dies, then becomes rustc, which keeps
/// that request. Ctrl-C or a kill of kata thus ends the whole build, even a
/// rustc evaluating a `const` that never ends.
#[cfg(unix)]
pub fn wrap_rustc() -> std::process::ExitCode {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os().skip(1);
    let Some(rustc) = args.next() else {
        eprintln!("kata: {WRAPPER_VARIABLE} is set, but no rustc to run was given");
        return std::process::ExitCode::from(2);
    };
    #[cfg(target_os = "linux")]
    {
        // Safety: prctl with PR_SET_PDEATHSIG takes a signal number and
        // touches no memory of ours; getppid cannot fail.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if libc::getppid() == 1 {
                // Cargo is already gone.
                return std::process::ExitCode::from(2);
            }
        }
    }
    let error = Command::new(rustc).args(args).exec();
    eprintln!("kata: could not run rustc: {error}");
    std::process::ExitCode::from(2)
}

/// Elsewhere kata never sets itself as the wrapper.
#[cfg(not(unix))]
pub fn wrap_rustc() -> std::process::ExitCode {
    eprintln!("kata: {WRAPPER_VARIABLE} is set, but kata is rustc's wrapper on Linux only");
    std::process::ExitCode::from(2)
}

/// Whether an environment variable changes what rustc compiles or how:
/// extra flags (`RUSTFLAGS`, `CARGO_ENCODED_RUSTFLAGS`), a wrapper or another
/// compiler (`RUSTC_WRAPPER`, `RUSTC`), nightly features on stable
/// (`RUSTC_BOOTSTRAP`), build and profile settings (`CARGO_BUILD_*`,
/// `CARGO_PROFILE_*`), per-target linkers and runners (`CARGO_TARGET_<triple>_*`,
/// but not `CARGO_TARGET_DIR`, which only says where output goes).
pub fn changes_compilation(name: &str) -> bool {
    name.starts_with("RUSTC")
        || name.starts_with("RUSTFLAGS")
        || name.starts_with("RUSTDOC")
        || name.starts_with("CARGO_ENCODED_")
        || name.starts_with("CARGO_BUILD_")
        || name.starts_with("CARGO_PROFILE_")
        || name.starts_with("CARGO_UNSTABLE_")
        || name.starts_with("CARGO_HOST_")
        || name.starts_with("__CARGO")
        || name == "CARGO_INCREMENTAL"
        || (name.starts_with("CARGO_TARGET_") && name != "CARGO_TARGET_DIR")
}

/// Cargo, in the workbook, set up for a plain build or a model build.
///
/// A model build adds `--cfg kata_<model>` to RUSTFLAGS, which changes every
/// crate's fingerprint; it therefore gets a target dir of its own, so the
/// plain and model builds never evict each other and each stays warm.
pub(crate) fn cargo_for(workbook: &Workbook, model: Option<Model>) -> Command {
    let mut command = cargo();
    command.current_dir(workbook.root());
    if let Some(dir) = workbook.target_dir_override() {
        command.env("CARGO_TARGET_DIR", dir);
    }
    if let Some(model) = model {
        command
            .env("RUSTFLAGS", format!("--cfg kata_{}", model.name()))
            .env("CARGO_TARGET_DIR", target_dir(workbook).join("kata-model").join(model.name()));
    }
    command
}

/// Where cargo puts its output for this workbook: the workbook's own
/// choice ([`Workbook::with_target_dir`]), else `CARGO_TARGET_DIR` when
/// set, else `target/` at the root.
pub fn target_dir(workbook: &Workbook) -> PathBuf {
    if let Some(dir) = workbook.target_dir_override() {
        return dir.to_path_buf();
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workbook.root().join("target"))
}

/// The `--config` that builds `package` unoptimised in the grade profile.
///
/// Checks crates that judge by counts, model checkers and tokio's paused
/// clock, never by how fast CPU code runs, gain nothing from optimising, and
/// optimising was where their build went: each learner file rebuilds its
/// exercise's checks crate (the learner's generic code is compiled there),
/// 2-5 s of CPU at opt-level 3 (LLVM and its ThinLTO) against 0.4-1 s at 0
/// on a busy 2-core machine. The learner's crate and every dependency stay
/// optimised. The manifest's `times-cpu` keeps a checks crate optimised.
fn unoptimised(package: &str) -> String {
    format!("profile.{PROFILE}.package.{package}.opt-level=0")
}

/// Builds `exercise`'s checks against `target` (or, with [`Unit::Code`],
/// the code alone), as a plain build or with a model checker. `color` asks
/// rustc for coloured diagnostics.
pub fn build(
    workbook: &Workbook,
    exercise: &Exercise,
    target: Target,
    (model, unit): (Option<Model>, Unit),
    color: bool,
    on_event: impl FnMut(BuildEvent) + Send + 'static,
) -> Result<Built, Error> {
    let mut command = cargo_for(workbook, model);
    command
        .arg("build")
        // The lock file is the workbook's: a build never rewrites it.
        .arg("--locked")
        .arg("--manifest-path")
        .arg(workbook.root().join("Cargo.toml"))
        .args(["--profile", PROFILE]);
    match unit {
        Unit::Checks => command.args(["--package", &exercise.checks_package()]).args([
            "--no-default-features",
            "--features",
            target.feature(),
        ]),
        Unit::Code => command.args(["--package", &target.package(exercise)]),
    };
    if unit == Unit::Checks && !exercise.times_cpu {
        command.args(["--config", &unoptimised(&exercise.checks_package())]);
    }
    command.arg(if color {
        "--message-format=json-diagnostic-rendered-ansi"
    } else {
        "--message-format=json"
    });

    let code_package = target.package(exercise);
    let state = Arc::new(Mutex::new(Messages::for_package(&code_package)));
    let sink = Arc::clone(&state);
    let workspace_root = workbook.root().to_path_buf();
    let mut on_event = on_event;
    let deadline = child::Deadline::after(BUILD_LIMIT);
    // The code's own compile gets LEARNER_COMPILE_LIMIT, counted from when
    // it started or from the last dependency cargo built beside it, so a
    // slow machine still building dependencies is never "does not compile".
    let code_started = Arc::new(AtomicBool::new(false));
    let (watch_out, watch_err) = (deadline.clone(), deadline.clone());
    let (started_out, started_err) = (Arc::clone(&code_started), Arc::clone(&code_started));
    let compiling_code = format!("Compiling {code_package} v");
    let (out_code, checks_package) = (code_package.clone(), exercise.checks_package());
    let finished = child::run_watched(
        command,
        &deadline,
        move |line| {
            let mut messages = sink.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(event) = messages.read(line, &workspace_root) {
                let BuildEvent::Compiled { package, .. } = &event;
                let beside = *package != out_code && *package != checks_package;
                if beside && started_out.load(Ordering::Relaxed) {
                    watch_out.set_from_now(LEARNER_COMPILE_LIMIT);
                }
                on_event(event);
            }
        },
        move |line| {
            if line.trim_start().starts_with(&compiling_code) {
                // Ordering: a flag read by the other reader; the deadline
                // it guards is itself re-read every few milliseconds.
                started_err.store(true, Ordering::Relaxed);
                watch_err.set_from_now(LEARNER_COMPILE_LIMIT);
            }
        },
    )
    .map_err(|source| Error::CargoMissing { cause: source })?;

    let messages = std::mem::take(&mut *state.lock().unwrap_or_else(|e| e.into_inner()));
    if finished.exit == Exit::TimedOut {
        return Ok(Built::TimedOut(deadline.limit().min(BUILD_LIMIT)));
    }
    match (finished.exit, messages.binary, unit) {
        (Exit::Code(0), _, Unit::Code) => return Ok(Built::Code { dep_info: messages.dep_info }),
        (Exit::Code(0), Some(binary), Unit::Checks) => {
            return Ok(Built::Binary { binary, dep_info: messages.dep_info })
        }
        _ => {}
    }
    if messages.diagnostics.is_empty() {
        // rustc's message did not reach us whole (a line of megabytes,
        // say), but cargo says the code did not compile: that is the
        // learner's to fix, not a failure of the grader.
        let stderr = finished.stderr.text();
        let ours = [code_package.as_str(), &exercise.checks_package()]
            .iter()
            .any(|package| stderr.contains(&format!("could not compile `{package}`")));
        if ours {
            let mut rendered: String = stderr.chars().take(4000).collect();
            if rendered.len() < stderr.len() {
                rendered.push_str("\n[... cut: rustc's message was too long to show whole]");
            }
            return Ok(Built::CompileError(vec![Diagnostic { level: "error".into(), rendered }]));
        }
        return Ok(Built::CargoFailed(stderr));
    }
    Ok(Built::CompileError(messages.diagnostics))
}
