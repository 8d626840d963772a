//! `kata hint`: the hints of an exercise, up to the level asked for.

use crate::render::{self, command};
use colored::Colorize;
use kata_core::progress::Progress;
use kata_core::workbook::Workbook;
use std::process::ExitCode;

const LEVELS: [&str; 3] = ["a nudge", "a direction", "nearly the answer"];

/// Shows hints up to `level`; without a level, one more than the learner has
/// seen so far (the ladder is remembered in the progress file).
pub fn run(workbook: &Workbook, exercise: &str, level: Option<u8>) -> anyhow::Result<ExitCode> {
    let exercise = workbook.manifest.find(exercise)?;
    let seen = super::progress(workbook)?.hints_seen(&exercise.slug);
    let level = level.unwrap_or(seen.saturating_add(1)).clamp(1, 3);
    if level > seen {
        if let Err(error) = Progress::record_hint(workbook, &exercise.slug, level) {
            eprintln!("kata: warning: could not remember this hint level ({error})");
        }
    }
    println!("{}", render::heading(exercise).bold());
    let shown = usize::from(level);
    for (number, hint) in exercise.hints.iter().enumerate().take(shown) {
        println!("\nHint {} of 3, {}:\n  {hint}", number + 1, LEVELS[number].italic());
    }
    if shown < 3 {
        println!(
            "\nStill stuck? {} shows the next one.",
            command(&format!("hint {}", exercise.id()))
        );
    }
    Ok(ExitCode::SUCCESS)
}
