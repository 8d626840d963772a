//! `kata next`: the first exercise not yet passed, and how to start it.

use crate::render::{self, command};
use colored::Colorize;
use kata_core::workbook::Workbook;
use std::process::ExitCode;

pub fn run(workbook: &Workbook) -> anyhow::Result<ExitCode> {
    let progress = super::progress(workbook)?;
    let Some(exercise) = workbook.next_exercise(&|e| progress.has_passed(&e.slug)) else {
        println!(
            "{} You have passed all {} exercises. The book has more to read: {}",
            "Done!".green().bold(),
            workbook.manifest.exercises.len(),
            workbook.relative(&workbook.root().join("book")).display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    let id = exercise.id();
    println!("Next: {}", render::heading(exercise).bold());
    println!("  {}", exercise.topic);
    println!();
    let root = workbook.root();
    println!("  edit    {}", render::path_link(root, &workbook.exercise_file(exercise)));
    println!("  read    {}", render::path_link(root, &workbook.chapter_file(exercise)));
    println!("  check   {}", command(&format!("check {id}")));
    println!("  stuck?  {}", command(&format!("hint {id}")));
    // While the learner reads, its checks get built.
    super::prebuild::start(workbook, exercise);
    Ok(ExitCode::SUCCESS)
}
