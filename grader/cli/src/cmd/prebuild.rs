//! Builds the next exercise's checks in the background while the learner
//! reads, so that the first `kata check` finds them ready instead of waiting
//! for a cold build (the first model-checked exercise builds shuttle; the
//! first async one, axum and reqwest).
//!
//! `kata next` and `kata watch` start it, on a terminal only (a script or a
//! test gets no background work), at the lowest priority, detached, one at a
//! time (`target/kata/prebuild.lock`), with its output in
//! `target/kata/prebuild.log`. It runs nothing the learner wrote: it only
//! compiles, and refused code is not even compiled. A `kata check` that
//! starts meanwhile waits for cargo's build lock, then finds the work done.

use kata_core::compile::target_dir;
use kata_core::manifest::Exercise;
use kata_core::workbook::Workbook;
use std::io::IsTerminal;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, SystemTime};

/// A lock older than this is left over from a prebuild that was killed.
const STALE: Duration = Duration::from_secs(30 * 60);

/// Starts the background build of `exercise`, if this is a terminal and no
/// other one runs. Says nothing when it cannot: it only saves time.
pub fn start(workbook: &Workbook, exercise: &Exercise) {
    if !std::io::stdout().is_terminal() || std::env::var_os("KATA_NO_PREBUILD").is_some() {
        return;
    }
    let dir = target_dir(workbook).join("kata");
    let lock = dir.join("prebuild.lock");
    if std::fs::create_dir_all(&dir).is_err() || !take(&lock) {
        return;
    }
    let Ok(log) = std::fs::File::create(dir.join("prebuild.log")) else {
        let _ = std::fs::remove_file(&lock);
        return;
    };
    let Ok(exe) = std::env::current_exe() else {
        let _ = std::fs::remove_file(&lock);
        return;
    };
    let mut command = Command::new(exe);
    command
        .args(["prebuild", &exercise.slug])
        .current_dir(workbook.root())
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_or(Stdio::null(), Stdio::from))
        .stderr(Stdio::from(log));
    detach_and_lower(&mut command);
    if command.spawn().is_err() {
        let _ = std::fs::remove_file(&lock);
    }
}

/// The hidden verb the background process runs.
pub fn run(workbook: &Workbook, exercise: &str) -> anyhow::Result<ExitCode> {
    let exercise = workbook.manifest.find(exercise)?;
    let lock = target_dir(workbook).join("kata").join("prebuild.lock");
    let started = std::time::Instant::now();
    let result = kata_core::grade::prepare(workbook, exercise);
    let _ = std::fs::remove_file(lock);
    result?;
    println!("prebuilt {} in {:.1} s", exercise.id(), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// Creates `lock` unless a fresh one exists (a stale one is replaced).
fn take(lock: &std::path::Path) -> bool {
    let fresh = std::fs::metadata(lock)
        .and_then(|m| m.modified())
        .is_ok_and(|at| SystemTime::now().duration_since(at).unwrap_or_default() < STALE);
    if fresh {
        return false;
    }
    let _ = std::fs::remove_file(lock);
    std::fs::OpenOptions::new().write(true).create_new(true).open(lock).is_ok()
}

/// Its own process group (Ctrl-C in the learner's terminal is not for it)
/// and the lowest priority, which the cargo and rustc it starts inherit.
#[cfg(unix)]
fn detach_and_lower(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
    // Safety: runs between fork and exec; setpriority is async-signal-safe
    // and the closure allocates nothing.
    unsafe {
        command.pre_exec(|| {
            libc::setpriority(libc::PRIO_PROCESS, 0, 19);
            Ok(())
        });
    }
}

#[cfg(windows)]
fn detach_and_lower(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    // DETACHED_PROCESS | BELOW_NORMAL_PRIORITY_CLASS
    command.creation_flags(0x0000_0008 | 0x0000_4000);
}

#[cfg(not(any(unix, windows)))]
fn detach_and_lower(_command: &mut Command) {}
