//! `kata reset`: put the original stub back, never losing the learner's file.

use crate::render;
use anyhow::Context;
use colored::Colorize;
use kata_core::manifest::Exercise;
use kata_core::workbook::Workbook;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// Resets one exercise, or with `all` every exercise; clap makes sure
/// exactly one of the two was given.
pub fn run(workbook: &Workbook, exercise: Option<&str>, all: bool) -> anyhow::Result<ExitCode> {
    let given = match exercise {
        Some(given) if !all => given,
        _ => return run_all(workbook),
    };
    let exercise = workbook.manifest.find(given)?;
    let file = workbook.exercise_file(exercise);
    match reset(workbook, exercise)? {
        Reset::AlreadyStub => println!(
            "{} is already the original stub; nothing to do.",
            workbook.relative(&file).display()
        ),
        Reset::Done { backup } => {
            println!(
                "Reset {}: {} is the original stub again.",
                render::heading(exercise).bold(),
                workbook.relative(&file).display()
            );
            match backup {
                Some(backup) => println!(
                    "Your version is kept in {}.",
                    workbook.relative(&backup).display().to_string().bold()
                ),
                None => println!("There was no file to back up."),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `kata reset --all`: a batch command, so it asks nothing; each changed
/// file is kept as `kata reset <id>` keeps it, and progress stays as it is.
/// An exercise that cannot be reset is named and the others still are.
fn run_all(workbook: &Workbook) -> anyhow::Result<ExitCode> {
    let (mut done, mut already, mut failed) = (0, 0, Vec::new());
    for exercise in &workbook.manifest.exercises {
        match reset(workbook, exercise) {
            Ok(Reset::AlreadyStub) => already += 1,
            Ok(Reset::Done { backup }) => {
                done += 1;
                let kept = match backup {
                    Some(backup) => {
                        format!("yours is kept in {}", workbook.relative(&backup).display())
                    }
                    None => "there was no file to back up".to_string(),
                };
                println!("Reset {}: {kept}.", render::heading(exercise).bold());
            }
            Err(error) => {
                eprintln!("kata: error: {}: {error:#}", exercise.id());
                failed.push(exercise.id());
            }
        }
    }
    let exercises = |n: usize| if n == 1 { "exercise" } else { "exercises" };
    println!(
        "\nReset {done} {}; {already} already had the original stub. Your progress is kept.",
        exercises(done)
    );
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("kata: could not reset {} (said above).", failed.join(", "));
        Ok(ExitCode::from(2))
    }
}

/// What resetting one exercise did.
enum Reset {
    /// The learner's file already was the original stub.
    AlreadyStub,
    /// The stub is back; the learner's file, if there was one, is kept here.
    Done { backup: Option<std::path::PathBuf> },
}

/// Puts the original stub of `exercise` back, after keeping the learner's
/// file in `.kata-backups/`: nothing is reset unless the backup is written.
fn reset(workbook: &Workbook, exercise: &Exercise) -> anyhow::Result<Reset> {
    let original_path = workbook.original_stub(exercise);
    let original = std::fs::read(&original_path).with_context(|| {
        format!(
            "the original stub {} is missing, so there is nothing to reset to; restore it from git (`git checkout -- {}`)",
            original_path.display(),
            workbook.relative(&original_path).display()
        )
    })?;
    let file = workbook.exercise_file(exercise);
    let current = std::fs::read(&file).ok();
    if current.as_deref() == Some(original.as_slice()) {
        return Ok(Reset::AlreadyStub);
    }
    let mut backup = None;
    if let Some(current) = current {
        let backups = workbook.root().join(".kata-backups");
        std::fs::create_dir_all(&backups).with_context(|| {
            format!("could not create {} for the backup; nothing was reset", backups.display())
        })?;
        let kept = write_new(&backups, &format!("{}-{}", exercise.slug, timestamp()), &current)
            .with_context(|| {
                format!("could not write a backup in {}; nothing was reset", backups.display())
            })?;
        backup = Some(kept);
    }
    std::fs::write(&file, original)
        .with_context(|| format!("could not write {}", file.display()))?;
    Ok(Reset::Done { backup })
}

/// Writes `bytes` to `<stem>.rs` in `dir`, or to `<stem>-2.rs`, `-3`...
/// if that exists: two resets in one second keep both versions. The file is
/// created new (`create_new`), so nothing is ever overwritten.
fn write_new(
    dir: &std::path::Path,
    stem: &str,
    bytes: &[u8],
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    for n in 1.. {
        let name = if n == 1 { format!("{stem}.rs") } else { format!("{stem}-{n}.rs") };
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(bytes)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("an unbounded range ends only by returning")
}

/// `20261122-134501`, in UTC, from the system clock alone.
fn timestamp() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (year, month, day, hour, minute, second) = kata_core::class_report::civil(secs);
    format!("{year:04}{month:02}{day:02}-{hour:02}{minute:02}{second:02}")
}
