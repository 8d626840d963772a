//! `kata hint`: the hints of an exercise, up to the level asked for.

use crate::render::{self, command};
use colored::Colorize;
use kata_grader::workbook::Workbook;
use std::process::ExitCode;

const LEVELS: [&str; 3] = ["a nudge", "a direction", "nearly the answer"];

pub fn run(workbook: &Workbook, exercise: &str, level: u8) -> anyhow::Result<ExitCode> {
    let exercise = workbook.manifest.find(exercise)?;
    println!("{}", render::heading(exercise).bold());
    let shown = usize::from(level).clamp(1, 3);
    for (number, hint) in exercise.hints.iter().enumerate().take(shown) {
        println!(
            "\nHint {} of 3, {}:\n  {hint}",
            number + 1,
            LEVELS[number].italic()
        );
    }
    if shown < 3 {
        println!(
            "\nStill stuck? {}",
            command(&format!("hint {} --level {}", exercise.id(), shown + 1))
        );
    }
    Ok(ExitCode::SUCCESS)
}
