//! `kata progress`: the learner's progress in short, and `export` / `import`
//! to carry it to another machine or into an updated workbook (exercises
//! are matched by name, so added or renumbered exercises do not matter).

use crate::cli::ProgressAction;
use crate::render::{self, command};
use anyhow::Context;
use colored::Colorize;
use kata_core::progress::{Entry, Export, Progress};
use kata_core::workbook::Workbook;
use std::path::Path;
use std::process::ExitCode;

pub fn run(workbook: &Workbook, action: Option<ProgressAction>) -> anyhow::Result<ExitCode> {
    match action {
        None => summary(workbook),
        Some(ProgressAction::Export { out }) => export(workbook, out.as_deref()),
        Some(ProgressAction::Import { file }) => import(workbook, &file),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// `kata progress` alone: passes, attempts and hints in three lines;
/// `kata list` has the detail.
fn summary(workbook: &Workbook) -> anyhow::Result<()> {
    let progress = super::progress(workbook)?;
    let exercises = &workbook.manifest.exercises;
    let entries: Vec<&Entry> = exercises.iter().filter_map(|e| progress.entry(&e.slug)).collect();
    let passed = entries.iter().filter(|e| e.passed).count();
    let attempts: u64 = entries.iter().map(|e| u64::from(e.attempts)).sum();
    let hints: u32 = entries.iter().map(|e| u32::from(e.hints_seen)).sum();
    let hinted = entries.iter().filter(|e| e.hints_seen > 0).count();
    println!(
        "{passed} of {} exercises passed; {attempts} {} of your code; {hints} {} seen, on {hinted} {}.",
        exercises.len(),
        plural(attempts, "check", "checks"),
        plural(hints.into(), "hint", "hints"),
        plural(hinted as u64, "exercise", "exercises"),
    );
    let others = aside(workbook, &progress);
    if !others.is_empty() {
        println!("Also kept, for exercises this workbook does not have: {}.", others.join(", "));
    }
    println!(
        "Each exercise: {}. To move it to another machine: {}, then {} there.",
        command("list"),
        command("progress export --out progress.json"),
        command("progress import progress.json")
    );
    Ok(())
}

/// `kata progress export`: the document on stdout, or in `out`.
fn export(workbook: &Workbook, out: Option<&Path>) -> anyhow::Result<()> {
    let progress = super::progress(workbook)?;
    let document = progress.export(&workbook.manifest, env!("CARGO_PKG_VERSION"));
    let text = format!("{}\n", serde_json::to_string_pretty(&document)?);
    let Some(out) = out else {
        print!("{text}");
        return Ok(());
    };
    std::fs::write(out, text).with_context(|| format!("could not write {}", out.display()))?;
    println!(
        "Exported the progress of {} {} to {}.",
        document.exercises.len(),
        plural(document.exercises.len() as u64, "exercise", "exercises"),
        out.display()
    );
    println!("In the other workbook: {}", command(&format!("progress import {}", out.display())));
    Ok(())
}

/// `kata progress import FILE`: merges it, then says what it took and
/// which names this workbook does not have (kept aside, not an error).
fn import(workbook: &Workbook, file: &Path) -> anyhow::Result<()> {
    let document = Export::read(file)?;
    let imported = Progress::import(workbook, &document)?;
    let progress = super::progress(workbook)?;
    println!("Imported {} (exported by kata {}).", file.display(), document.kata);
    for name in &imported.taken {
        let Some(exercise) = workbook.manifest.exercises.iter().find(|e| e.name() == name) else {
            continue;
        };
        let now = progress.entry(name).cloned().unwrap_or_default();
        println!("  took {}: {}", render::heading(exercise).bold(), describe(&now));
    }
    println!(
        "{} {} taken; {} had nothing newer than this workbook's progress.",
        imported.taken.len(),
        plural(imported.taken.len() as u64, "exercise", "exercises"),
        imported.unchanged.len()
    );
    if !imported.unknown.is_empty() {
        eprintln!(
            "kata: warning: this workbook has no exercise {}: kept aside in {}, unused, in case an update of the workbook adds {}.",
            imported.unknown.join(", "),
            kata_core::progress::FILE_NAME,
            plural(imported.unknown.len() as u64, "it", "them")
        );
    }
    Ok(())
}

/// `passed (gold), 3 attempts, hints up to 2`.
fn describe(entry: &Entry) -> String {
    let mut parts = vec![match (entry.passed, &entry.medal) {
        (true, Some(medal)) => format!("passed ({medal})"),
        (true, None) => "passed".to_string(),
        (false, _) => "not passed yet".to_string(),
    }];
    if entry.attempts > 0 {
        let attempts = u64::from(entry.attempts);
        parts.push(format!("{attempts} {}", plural(attempts, "attempt", "attempts")));
    }
    if entry.hints_seen > 0 {
        parts.push(format!("hints up to {}", entry.hints_seen));
    }
    parts.join(", ")
}

/// Names with progress that this workbook's manifest does not have.
fn aside<'a>(workbook: &Workbook, progress: &'a Progress) -> Vec<&'a str> {
    progress
        .entries()
        .filter(|(name, _)| !workbook.manifest.exercises.iter().any(|e| e.name() == *name))
        .map(|(name, _)| name)
        .collect()
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}
