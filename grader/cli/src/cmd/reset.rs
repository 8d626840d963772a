//! `kata reset`: put the original stub back, never losing the learner's file.

use crate::render;
use anyhow::Context;
use colored::Colorize;
use kata_grader::workbook::Workbook;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn run(workbook: &Workbook, exercise: &str) -> anyhow::Result<ExitCode> {
    let exercise = workbook.manifest.find(exercise)?;
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
        println!(
            "{} is already the original stub; nothing to do.",
            workbook.relative(&file).display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut kept = None;
    if let Some(current) = current {
        let backups = workbook.root().join(".kata-backups");
        std::fs::create_dir_all(&backups).with_context(|| {
            format!(
                "could not create {} for the backup; nothing was reset",
                backups.display()
            )
        })?;
        let backup = write_new(
            &backups,
            &format!("{}-{}", exercise.slug, timestamp()),
            &current,
        )
        .with_context(|| {
            format!(
                "could not write a backup in {}; nothing was reset",
                backups.display()
            )
        })?;
        kept = Some(backup);
    }
    std::fs::write(&file, original)
        .with_context(|| format!("could not write {}", file.display()))?;
    println!(
        "Reset {}: {} is the original stub again.",
        render::heading(exercise).bold(),
        workbook.relative(&file).display()
    );
    match kept {
        Some(backup) => println!(
            "Your version is kept in {}.",
            workbook.relative(&backup).display().to_string().bold()
        ),
        None => println!("There was no file to back up."),
    }
    Ok(ExitCode::SUCCESS)
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
        let name = if n == 1 {
            format!("{stem}.rs")
        } else {
            format!("{stem}-{n}.rs")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
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
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
