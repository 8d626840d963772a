//! `kata check`: build an exercise, run its hidden checks, show the verdict,
//! and record a pass of the learner's own code.

use crate::cli::{CheckArgs, Format};
use crate::render::{self, command};
use colored::Colorize;
use kata_grader::compile::{BuildEvent, Target};
use kata_grader::grade::{self, Event, Options};
use kata_grader::manifest::Exercise;
use kata_grader::progress::Progress;
use kata_grader::report::ExerciseReport;
use kata_grader::workbook::Workbook;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

pub fn run(workbook: &Workbook, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let target = if args.solution {
        Target::Reference
    } else {
        Target::Learner
    };
    let exercises: Vec<&Exercise> = match &args.exercise {
        Some(given) => vec![workbook.manifest.find(given)?],
        None => workbook.manifest.exercises.iter().collect(),
    };
    let human = args.format == Format::Human;
    let mut failed = Vec::new();
    let mut reports = Vec::new();
    for (index, exercise) in exercises.iter().enumerate() {
        if index > 0 && human {
            println!("\n{}\n", "─".repeat(60).dimmed());
        }
        let report = check_one(workbook, exercise, target, human, args.replay.clone())?;
        if !report.passed() {
            failed.push(exercise.id());
        }
        reports.push(report);
    }
    if !human {
        print_json(&reports, failed.is_empty())?;
    } else if exercises.len() > 1 {
        println!("\n{}", "═".repeat(60).dimmed());
        if failed.is_empty() {
            println!(
                "{} all {} exercises passed.",
                "kata:".bold(),
                exercises.len()
            );
        } else {
            println!(
                "{} {} of {} exercises passed; not yet: {}",
                "kata:".bold(),
                exercises.len() - failed.len(),
                exercises.len(),
                failed.join(", ")
            );
        }
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The `--format json` document:
///
/// ```text
/// { "passed": bool,                        every exercise passed
///   "exercises": [ { "slug", "target": "learner" | "reference", "passed": bool,
///                    "result": { "kind": "checked", "checks": [ { "name", "about",
///                                 "elapsed" (seconds), "outcome": { "status":
///                                 "passed" | "failed" | "inconclusive", "message",
///                                 "figures": [ { "label", "measured", "required" } ],
///                                 "details": [ text ] } } ] }
///                            | { "kind": "compile-error", "diagnostics": [ { "level", "rendered" } ] }
///                            | { "kind": "build-timed-out", "limit" (seconds) } } ] }
/// ```
fn print_json(reports: &[ExerciseReport], passed: bool) -> anyhow::Result<()> {
    let exercises: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let mut value = serde_json::to_value(r)?;
            value["passed"] = r.passed().into();
            Ok(value)
        })
        .collect::<Result<_, serde_json::Error>>()?;
    let document = serde_json::json!({ "passed": passed, "exercises": exercises });
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}

fn check_one(
    workbook: &Workbook,
    exercise: &Exercise,
    target: Target,
    human: bool,
    replay: Option<String>,
) -> anyhow::Result<ExerciseReport> {
    let started = Instant::now();
    let options = Options {
        target,
        color: human && render::color_on(),
        replay,
    };
    let mut progress = BuildProgress::new(exercise.id());
    let report = grade::grade(workbook, exercise, options, move |event| {
        progress.show(event)
    })?;
    if !human {
        if report.passed() && target == Target::Learner {
            Progress::record_pass(workbook, &exercise.slug)?;
        }
        return Ok(report);
    }
    let file = workbook
        .relative(&workbook.exercise_file(exercise))
        .display()
        .to_string();
    print!("{}", render::report(exercise, &report, &file));
    let elapsed = format!("({:.1} s)", started.elapsed().as_secs_f64()).dimmed();
    let id = exercise.id();
    if report.passed() {
        match target {
            Target::Learner => {
                Progress::record_pass(workbook, &exercise.slug)?;
                println!(
                    "{} {id} passed. {elapsed}\nOn to the next one: {}",
                    "Well done!".green().bold(),
                    command("next")
                );
            }
            Target::Reference => println!("The reference solution passes. {elapsed}"),
        }
    } else {
        match target {
            Target::Learner => println!(
                "{} {elapsed} Fix the first problem above and check again; stuck? {}",
                "Not yet.".yellow().bold(),
                command(&format!("hint {id}"))
            ),
            Target::Reference => println!(
                "{} {elapsed}",
                "The reference solution fails: that is a bug in kata."
                    .red()
                    .bold()
            ),
        }
    }
    Ok(report)
}

/// Says what is happening while the learner waits: the first check builds
/// every dependency once, which can take a minute or two.
struct BuildProgress {
    id: String,
    dependencies: usize,
    terminal: bool,
}

impl BuildProgress {
    fn new(id: String) -> BuildProgress {
        BuildProgress {
            id,
            dependencies: 0,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn show(&mut self, event: Event) {
        let mut err = std::io::stderr();
        match event {
            Event::Build(BuildEvent::Compiled {
                package,
                dependency: true,
            }) => {
                self.dependencies += 1;
                if self.terminal {
                    let _ = write!(
                        err,
                        "\r\x1b[2KBuilding the checks' dependencies, once only ({} so far: {package})",
                        self.dependencies
                    );
                } else if self.dependencies == 1 {
                    let _ = writeln!(err, "Building the checks' dependencies; this happens once and can take a minute or two.");
                }
            }
            Event::Build(BuildEvent::Compiled { .. }) => {}
            Event::Listed { .. } => {
                if self.terminal && self.dependencies > 0 {
                    let _ = write!(err, "\r\x1b[2K");
                }
            }
            Event::Starting { name } => {
                if self.terminal {
                    let _ = write!(err, "\r\x1b[2KChecking {}: {name} ...", self.id);
                }
            }
            Event::Finished(_) => {
                if self.terminal {
                    let _ = write!(err, "\r\x1b[2K");
                }
            }
        }
        let _ = err.flush();
    }
}
