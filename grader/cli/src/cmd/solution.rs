//! `kata solution`: the reference, once the exercise has passed.

use crate::render::{self, command};
use anyhow::{bail, Context};
use colored::Colorize;
use kata_core::workbook::Workbook;
use std::process::ExitCode;

pub fn run(workbook: &Workbook, exercise: &str, force: bool) -> anyhow::Result<ExitCode> {
    let exercise = workbook.manifest.find(exercise)?;
    let passed = super::progress(workbook)?.has_passed(&exercise.slug);
    if !passed && !force {
        bail!(
            "you have not passed {} yet, so its solution stays hidden: reading it first takes away most of what the exercise teaches.\n\
             Try the hints ({}), or add --force to read it anyway.",
            exercise.id(),
            command(&format!("hint {}", exercise.id()))
        );
    }
    let path = workbook.solution_file(exercise);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read the solution at {}", path.display()))?;
    if !passed {
        eprintln!(
            "{} you have not passed {} yet; here is its solution anyway.",
            "warning:".yellow().bold(),
            exercise.id()
        );
    }
    println!(
        "{} — reference solution ({})\n",
        render::heading(exercise).bold(),
        workbook.relative(&path).display()
    );
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
