//! `kata check`: build an exercise, run its hidden checks, show the verdict,
//! and record a pass of the learner's own code.

use crate::cli::{CheckArgs, Format};
use crate::render::{self, command};
use colored::Colorize;
use indicatif::ProgressBar;
use kata_core::compile::{BuildEvent, Target};
use kata_core::grade::{self, Event, Options};
use kata_core::manifest::Exercise;
use kata_core::progress::Progress;
use kata_core::replay::{self, Schedule};
use kata_core::report::ExerciseReport;
use kata_core::sandbox::Protections;
use kata_core::workbook::Workbook;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(workbook: &Workbook, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let target = if args.solution { Target::Reference } else { Target::Learner };
    let exercises: Vec<&Exercise> = match &args.exercise {
        Some(given) => vec![workbook.manifest.find(given)?],
        None => workbook.manifest.exercises.iter().collect(),
    };
    // Read once, here: a token that names no schedule of this exercise's
    // model checkers is an error, not a whole check (clap keeps `--replay`
    // to one exercise).
    let replay = match (&args.replay, exercises.as_slice()) {
        (Some(token), [exercise]) => Some(replay::schedule(token, exercise)?),
        _ => None,
    };
    let human = args.format == Format::Human;
    let mut failed = Vec::new();
    let mut broken = Vec::new();
    let mut refused = false;
    let mut reports = Vec::new();
    for (index, exercise) in exercises.iter().enumerate() {
        if index > 0 && human {
            println!("\n{}\n", "─".repeat(60).dimmed());
        }
        let how = How {
            target,
            human,
            replay,
            position: (exercises.len() > 1).then_some((index + 1, exercises.len())),
        };
        let report = match check_one(workbook, exercise, &how) {
            Ok(report) => report,
            // One exercise kata could not check is that exercise's error:
            // said, and the others are still checked.
            Err(error) if exercises.len() > 1 => {
                eprintln!("kata: error: {}: {error:#}", exercise.id());
                ExerciseReport::grader_error(&exercise.slug, target, &error)
            }
            Err(error) => return Err(error),
        };
        if report.grader_failed() {
            broken.push(exercise.id());
        } else if !report.passed() {
            failed.push(exercise.id());
        }
        refused |= report.refused();
        reports.push(report);
    }
    let all_passed = failed.is_empty() && broken.is_empty();
    if args.format == Format::Json {
        print_json(workbook, &reports, all_passed)?;
    } else if args.format == Format::Junit {
        // The class report's JUnit writer: one format for both.
        let reports: Vec<_> = reports.iter().map(|r| (r.slug.clone(), Some(r.clone()))).collect();
        print!("{}", kata_core::class_html::junit("kata", &reports));
    } else if exercises.len() > 1 {
        println!("\n{}", "═".repeat(60).dimmed());
        let passed = exercises.len() - failed.len() - broken.len();
        let mut summary = if all_passed {
            format!("all {} exercises passed.", exercises.len())
        } else {
            format!("{passed} of {} exercises passed", exercises.len())
        };
        if !failed.is_empty() {
            summary.push_str(&format!("; not yet: {}", failed.join(", ")));
        }
        if !broken.is_empty() {
            summary.push_str(&format!(
                "; kata could not check {} (its error is above)",
                broken.join(", ")
            ));
        }
        println!("{} {summary}", "kata:".bold());
    }
    if human {
        let missing = Protections::probe().missing();
        if !missing.is_empty() {
            println!(
                "\n{}",
                format!(
                    "Note: on this system kata cannot confine a check fully: {}. See `kata doctor`.",
                    missing.join("; ")
                )
                .dimmed()
            );
        }
    }
    Ok(if refused || !broken.is_empty() {
        // Some code was not graded at all: kata could not do what was asked.
        ExitCode::from(2)
    } else if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The `--format json` document:
///
/// ```text
/// { "passed": bool,                        every exercise passed
///   "kata": "0.1.0", "toolchain": "rustc 1.95.0 (...)", "cores": 2,
///   "exercises": [ { "slug", "target": "learner" | "reference", "passed": bool,
///                    "attempts": 3,      checks of the learner's code that reached a
///                                        verdict, this one included (not `--solution`,
///                                        not `--replay`)
///                    "partial"?: true,   only some checks ran (`--replay`): no verdict
///                                        on the exercise, nothing recorded
///                    "hints_seen": 0..=3, the highest hint level the learner was shown
///                    "result": { "kind": "checked", "checks": [ { "name", "about",
///                                 "elapsed" (seconds), "outcome": { "status":
///                                 "passed" | "failed" | "inconclusive", "message",
///                                 "figures": [ { "label", "measured", "required" } ],
///                                 "details": [ text ], "medal"?: "gold",
///                                 "seed"?: "pct-4" (a model check's failing schedule) } } ] }
///                            | { "kind": "compile-error", "diagnostics": [ { "level", "rendered" } ] }
///                            | { "kind": "build-timed-out", "limit" (seconds) }
///                            | { "kind": "refused", "reasons": [ { "file", "line"?, "message" } ] }
///                            | { "kind": "grader-error", "message" } } ],  kata could not check it
///   "sandbox": { "os", "landlock_abi", "writes_confined", "exec_denied", "signals_confined",
///                "no_new_processes", "dies_with_grader", "memory_limited", "missing": [ text ] } }
/// ```
///
/// Exit code 2 (and `"passed": false`) when kata refused to build an exercise
/// or could not check one.
fn print_json(workbook: &Workbook, reports: &[ExerciseReport], passed: bool) -> anyhow::Result<()> {
    let protections = Protections::probe();
    let mut sandbox = serde_json::to_value(&protections)?;
    sandbox["missing"] = protections.missing().into();
    let progress = super::progress(workbook)?;
    let exercises: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let mut value = serde_json::to_value(r)?;
            value["passed"] = r.passed().into();
            value["attempts"] = progress.attempts(&r.slug).into();
            value["hints_seen"] = progress.hints_seen(&r.slug).into();
            Ok(value)
        })
        .collect::<Result<_, serde_json::Error>>()?;
    let document = serde_json::json!({
        "passed": passed,
        "kata": env!("CARGO_PKG_VERSION"),
        "toolchain": super::doctor::rustc_version().unwrap_or_default(),
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "exercises": exercises,
        "sandbox": sandbox,
    });
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}

/// How to check one exercise: whose code, for whom, which schedule, and
/// where a run of many has got to.
pub(crate) struct How {
    pub target: Target,
    /// For people (a spinner and the verdict on screen), or for a script.
    pub human: bool,
    pub replay: Option<Schedule>,
    pub position: Option<(usize, usize)>,
}

impl How {
    /// The learner's code, on screen: what `kata watch` checks.
    pub fn learner() -> How {
        How { target: Target::Learner, human: true, replay: None, position: None }
    }
}

pub(crate) fn check_one(
    workbook: &Workbook,
    exercise: &Exercise,
    how: &How,
) -> anyhow::Result<ExerciseReport> {
    let started = Instant::now();
    let (target, human) = (how.target, how.human);
    let options = Options {
        color: human && render::color_on(),
        replay: how.replay,
        ..Options::whole(target)
    };
    let progress =
        std::sync::Arc::new(std::sync::Mutex::new(BuildProgress::new(exercise.id(), how.position)));
    let shown = std::sync::Arc::clone(&progress);
    let report = grade::grade(workbook, exercise, options, move |event| {
        shown.lock().unwrap_or_else(|e| e.into_inner()).show(event)
    });
    // The spinner goes before anything is printed.
    drop(progress);
    let report = report?;
    // A replay runs one schedule of one model build, not the whole
    // exercise: it is neither an attempt nor a pass to record.
    if target == Target::Learner && !report.partial {
        record(workbook, exercise, &report);
    }
    if !human {
        return Ok(report);
    }
    let file = render::path_link(workbook.root(), &workbook.exercise_file(exercise));
    print!("{}", render::report(exercise, &report, &file));
    let elapsed = format!("({:.1} s)", started.elapsed().as_secs_f64()).dimmed();
    let id = exercise.id();
    if let (Some(schedule), true) = (how.replay, report.passed()) {
        println!(
            "Schedule {schedule} passes. {elapsed} A replay runs that one schedule of the {} checks and records \
             nothing: {} checks the whole exercise.",
            schedule.checker(),
            command(&format!("check {id}"))
        );
    } else if report.passed() {
        match target {
            Target::Learner => {
                let medal = report
                    .medal()
                    .map(|m| format!(" Medal: {}.", m.name().bold()))
                    .unwrap_or_default();
                println!(
                    "{} {id} passed.{medal} {elapsed}\nOn to the next one: {}",
                    "Well done!".green().bold(),
                    command("next")
                );
            }
            Target::Reference => println!("The reference solution passes. {elapsed}"),
        }
    } else if report.refused() {
        println!(
            "{} {elapsed} Nothing was checked: put back what is listed above, then check again.",
            "Refused.".red().bold()
        );
    } else {
        match target {
            Target::Learner => println!(
                "{} {elapsed} Fix the first problem above and check again; stuck? {}",
                "Not yet.".yellow().bold(),
                command(&format!("hint {id}"))
            ),
            Target::Reference => println!(
                "{} {elapsed}",
                "The reference solution fails: that is a bug in kata.".red().bold()
            ),
        }
    }
    Ok(report)
}

/// Records a check of the learner's code that reached a verdict (one
/// attempt), and its pass if it passed. A pass that cannot be recorded (a
/// read-only checkout) is still a pass: say so, and carry on.
fn record(workbook: &Workbook, exercise: &Exercise, report: &ExerciseReport) {
    if let Err(error) = Progress::record_attempt(workbook, &exercise.slug) {
        eprintln!("kata: warning: could not count this check as an attempt ({error})");
    }
    if !report.passed() {
        return;
    }
    let medal = report.medal().map(|m| m.name());
    if let Err(error) = Progress::record_pass(workbook, &exercise.slug, medal) {
        eprintln!(
            "kata: warning: {} passed, but the pass could not be recorded ({error}); `kata next` will not know.",
            exercise.id()
        );
    }
}

/// Says what is happening while the learner waits: a spinner with what is
/// being built (the first check builds every dependency once, which can take
/// a minute or two) or which check runs, and where `--all` has got to. On a
/// terminal only; elsewhere one line says that dependencies are building.
struct BuildProgress {
    prefix: String,
    dependencies: usize,
    bar: ProgressBar,
    terminal: bool,
}

impl BuildProgress {
    fn new(id: String, position: Option<(usize, usize)>) -> BuildProgress {
        let terminal = std::io::stderr().is_terminal();
        let bar = render::spinner();
        let prefix = match position {
            Some((at, of)) => format!("[{at}/{of}] {id}: "),
            None => format!("{id}: "),
        };
        bar.set_prefix(prefix.clone());
        bar.set_message("building");
        BuildProgress { prefix, dependencies: 0, bar, terminal }
    }

    fn show(&mut self, event: Event) {
        match event {
            Event::Build(BuildEvent::Compiled { package, dependency: true }) => {
                self.dependencies += 1;
                if self.terminal {
                    self.bar.set_message(format!(
                        "building the checks' dependencies, once only: {} built ({package})",
                        self.dependencies
                    ));
                } else if self.dependencies == 1 {
                    eprintln!(
                        "{}building the checks' dependencies; this happens once and can take a minute or two.",
                        self.prefix
                    );
                }
            }
            Event::Build(BuildEvent::Compiled { package, .. }) => {
                self.bar.set_message(format!("building {package}"));
            }
            Event::Listed { count } => self.bar.set_message(format!("{count} checks")),
            Event::Starting { name } => self.bar.set_message(format!("checking {name}")),
            Event::Finished(_) => {}
        }
    }
}

impl Drop for BuildProgress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
