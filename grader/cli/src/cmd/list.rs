//! `kata list`: every exercise and where the learner stands with it.

use colored::Colorize;
use kata_core::workbook::Workbook;
use std::process::ExitCode;

pub fn run(workbook: &Workbook) -> anyhow::Result<ExitCode> {
    let progress = super::progress(workbook)?;
    let next = workbook.next_exercise(&|e| progress.has_passed(&e.slug));
    let width =
        workbook.manifest.exercises.iter().map(|e| e.title.chars().count()).max().unwrap_or(0);
    let mut done = 0;
    for exercise in &workbook.manifest.exercises {
        let status = if progress.has_passed(&exercise.slug) {
            done += 1;
            match progress.medal(&exercise.slug) {
                Some(medal) => format!("{} ({medal})", "passed".green()),
                None => "passed".green().to_string(),
            }
        } else if std::fs::read(workbook.exercise_file(exercise)).ok()
            != std::fs::read(workbook.original_stub(exercise)).ok()
        {
            "in progress".yellow().to_string()
        } else {
            "not started".dimmed().to_string()
        };
        let pointer = if Some(exercise) == next { "→" } else { " " };
        println!("{pointer} {}  {:width$}  {status}", exercise.id().bold(), exercise.title);
    }
    println!("\n{done} of {} passed.", workbook.manifest.exercises.len());
    Ok(ExitCode::SUCCESS)
}
