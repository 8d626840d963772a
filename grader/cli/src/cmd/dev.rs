//! `kata dev`: the workbook's developer tooling, for its authors (hidden
//! from learners). The work is the core's ([`kata_core::dev`]); this file
//! parses, shows progress and prints the tables.

use crate::cli::{DevAction, DevCheckArgs, DevFormat, DevNewArgs, ModelArg};
use crate::render::{self, command, plain};
use colored::Colorize;
use indicatif::ProgressBar;
use kata_core::compile::target_dir;
use kata_core::dev::bench::{Bench, Graded, Kind};
use kata_core::dev::expect::verdict;
use kata_core::dev::scaffold::{self, NewExercise};
use kata_core::dev::{self, DevEvent};
use kata_core::grade::Event;
use kata_core::manifest::{Exercise, Model};
use kata_core::report::Graded as Result_;
use kata_core::workbook::Workbook;
use kata_core::Status;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

pub fn run(workbook: &Workbook, action: DevAction) -> anyhow::Result<ExitCode> {
    match action {
        DevAction::New(args) => new(workbook, &args),
        DevAction::Check(args) => check(workbook, &args),
        DevAction::Packages { model } => {
            let model = match model {
                ModelArg::Shuttle => Model::Shuttle,
                ModelArg::Loom => Model::Loom,
            };
            for package in dev::model_packages(workbook, model) {
                println!("{package}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `kata dev new exNN-slug`.
fn new(workbook: &Workbook, args: &DevNewArgs) -> anyhow::Result<ExitCode> {
    let new = NewExercise {
        slug: args.slug.clone(),
        title: args.title.clone(),
        topic: args.topic.clone(),
        part: args.part.clone(),
    };
    let written = scaffold::scaffold(workbook.root(), &new)?;
    scaffold::update_lock(workbook.root())?;
    let workbook = Workbook::open(workbook.root())?;
    let exercise = workbook.manifest.find(&args.slug)?;
    let id = exercise.id();
    println!("Scaffolded {} · {}:", id.bold(), exercise.title);
    for path in &written {
        println!("  {}", path.display());
    }
    println!("  Cargo.lock (its three new crates)");
    println!(
        "\nEach file is a small working example (a sum): replace it with the lesson.\n\
         1. exercises/{slug}/src/lib.rs: the contract (doc comments), `// TODO` where the learner writes;\n   \
            copy it to .stub.rs beside it when done (`kata reset` restores that one).\n\
         2. solutions/{slug}/src/lib.rs: the reference.\n\
         3. grader/checks/{slug}/src/main.rs: the checks, on the harness's pieces.\n\
         4. book/src/exercises/{slug}.md: the chapter; kata.toml: topic, time-limit, the three hints\n   \
            (and models, lint, medals if it needs them).\n\
         5. tests/wrong/{slug}/ (known-wrong files, each with its `//! expect-fail:` header) and\n   \
            tests/right/{slug}/ (right answers in other designs).\n\
         Then: {}",
        command(&format!("dev check {id}")),
        slug = exercise.slug
    );
    Ok(ExitCode::SUCCESS)
}

/// `kata dev check [exNN ...]`.
fn check(workbook: &Workbook, args: &DevCheckArgs) -> anyhow::Result<ExitCode> {
    let mut exercises: Vec<&Exercise> = Vec::new();
    for given in &args.exercises {
        exercises.push(workbook.manifest.find(given)?);
    }
    if exercises.is_empty() {
        exercises = workbook.manifest.exercises.iter().collect();
    }
    exercises.sort_by_key(|e| e.number);
    exercises.dedup_by_key(|e| e.number);
    // The project's own tree (CI) ships every stub untouched.
    let strict = std::env::var_os("KATA_STRICT").is_some();
    let human = args.format == DevFormat::Human;
    let report = if args.structure {
        dev::Report { layout: dev::layout::problems(workbook, strict), ..dev::Report::default() }
    } else {
        let base = target_dir(workbook).join("kata-dev");
        let target = args.target_dir.clone().unwrap_or_else(|| base.join("target"));
        // One copy per workbook: clones of it checked at once, with one
        // target dir, each grade their own files.
        let mut root = kata_core::pin::StableHash::default();
        root.write(workbook.root().as_os_str().as_encoded_bytes());
        let name = format!("kata-dev-workbook-{}", &root.hex()[..8]);
        if kata_core::scratch::placed(base.join(&name), &target, &name) != base.join("workbook") {
            // A copy an older kata left inside the target dir: cargo would
            // go on judging builds fresh by the times of its files.
            let _ = std::fs::remove_dir_all(base.join("workbook"));
        }
        // With `--jobs`, each bench has a copy and a target dir of its own
        // (`<target>-2`, ...): two copies must not build in one at once.
        let mut holds = Vec::new();
        let mut benches = Vec::new();
        for job in 1..=args.jobs {
            let (target, copy) = match job {
                1 => (target.clone(), kata_core::scratch::placed(base.join(&name), &target, &name)),
                n => {
                    let mut numbered = target.clone().into_os_string();
                    numbered.push(format!("-{n}"));
                    let target = std::path::PathBuf::from(numbered);
                    // Beside its target dir, as the first one is beside its.
                    let name = format!("{name}-{n}");
                    let copy = kata_core::scratch::placed(target.join(&name), &target, &name);
                    (target, copy)
                }
            };
            // One dev check at a time per target dir (the builds in it are
            // of one copy at a time, see `Bench::new`) and per copy (two
            // runs with other target dirs would put their files in it).
            holds.push(kata_core::scratch::hold(&target)?);
            holds.push(kata_core::scratch::hold(&copy)?);
            benches.push(Bench::new(workbook, &copy, target)?);
        }
        // Rows as they come with one bench; with more, the exercises'
        // rows would interleave, so the table comes at the end.
        let live = human && args.jobs == 1;
        let table = Arc::new(Mutex::new(Table::new(human, live)));
        let shown = Arc::clone(&table);
        let selection =
            dev::Selection { only: args.only.clone(), repeat: usize::from(args.repeat) };
        let report = dev::check(
            workbook,
            &exercises,
            &selection,
            &benches,
            strict,
            Arc::new(move |event| shown.lock().unwrap_or_else(|e| e.into_inner()).show(event)),
        );
        let mut table = table.lock().unwrap_or_else(|e| e.into_inner());
        table.bar.finish_and_clear();
        let report = report?;
        if human && !live {
            for (_, graded) in &report.exercises {
                graded.iter().for_each(|g| table.row(g));
            }
        }
        drop(holds);
        report
    };
    let problems = report.problems();
    if human {
        if args.repeat > 1 {
            tally(&report, args.repeat);
        }
        summary(&report, &problems, args.structure);
    } else {
        print_json(&report, &problems)?;
    }
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// With `--repeat`: how often each fixture got the verdict its header
/// says, and its slowest run.
fn tally(report: &dev::Report, repeat: u16) {
    println!("\n{}", format!("Each fixture {repeat} times:").bold());
    for (_, graded) in &report.exercises {
        let mut files: Vec<(&std::path::Path, usize, usize, f64)> = Vec::new();
        for g in graded {
            let met = usize::from(g.problems.is_empty());
            let seconds = g.elapsed.as_secs_f64();
            match files.last_mut() {
                Some((file, runs, ok, slowest)) if *file == g.fixture.file.as_path() => {
                    *runs += 1;
                    *ok += met;
                    *slowest = slowest.max(seconds);
                }
                _ => files.push((&g.fixture.file, 1, met, seconds)),
            }
        }
        for (file, runs, ok, slowest) in files {
            let mark = if ok == runs { "✓".green().bold() } else { "✗".red().bold() };
            let name = file.strip_prefix("tests").unwrap_or(file);
            println!("  {mark} {ok:>3}/{runs:<3} {:60} slowest {slowest:>5.1} s", name.display());
        }
    }
}

fn summary(report: &dev::Report, problems: &[String], structure: bool) {
    let fixtures = report.fixtures();
    let what = if structure {
        "the layout".to_string()
    } else {
        let each = report.elapsed.as_secs_f64() / fixtures.max(1) as f64;
        format!(
            "the layout and {fixtures} fixture(s) of {} exercise(s) in {:.1} s ({each:.1} s each)",
            report.exercises.len(),
            report.elapsed.as_secs_f64()
        )
    };
    if problems.is_empty() {
        println!("\n{} {what}: no problems.", "kata dev check:".bold());
        return;
    }
    println!("\n{} {what}: {} problem(s):\n", "kata dev check:".bold(), problems.len());
    for problem in problems {
        let mut lines = problem.lines();
        println!("{} {}", "✗".red().bold(), plain(lines.next().unwrap_or_default()));
        for line in lines {
            println!("  {}", plain(line));
        }
    }
}

/// The `--format json` document:
///
/// ```text
/// { "passed": bool, "problems": [ text ], "layout": [ text ], "leftovers": [ text ],
///   "fixtures": 37, "seconds": 95.3,
///   "exercises": [ { "slug", "fixtures": [ { "kind": "solution" | "stub" | "wrong" | "right" | "hostile",
///                    "file", "expected", "got", "seconds", "problems": [ text ],
///                    "report"?: { what `kata check --format json` gives for an exercise } } ] } ] }
/// ```
fn print_json(report: &dev::Report, problems: &[String]) -> anyhow::Result<()> {
    let exercises: Vec<serde_json::Value> = report
        .exercises
        .iter()
        .map(|(slug, graded)| {
            let fixtures: Vec<serde_json::Value> = graded
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "kind": g.fixture.kind.name(),
                        "file": g.fixture.file,
                        "expected": expected(g),
                        "got": got(g),
                        "seconds": g.elapsed.as_secs_f64(),
                        "problems": g.problems,
                        "report": g.report,
                    })
                })
                .collect();
            serde_json::json!({ "slug": slug, "fixtures": fixtures })
        })
        .collect();
    let document = serde_json::json!({
        "passed": problems.is_empty(),
        "problems": problems,
        "layout": report.layout,
        "leftovers": report.leftovers,
        "fixtures": report.fixtures(),
        "seconds": report.elapsed.as_secs_f64(),
        "exercises": exercises,
    });
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}

fn expected(graded: &Graded) -> String {
    match &graded.fixture.expect {
        Ok(expectation) => expectation.summary(),
        Err(_) => "?".into(),
    }
}

/// What the fixture got, in a few words: the verdict, and the checks that
/// failed.
fn got(graded: &Graded) -> String {
    let Some(report) = &graded.report else {
        return "not run".into();
    };
    match &report.result {
        Result_::CompileError { .. } => "compile error".into(),
        Result_::BuildTimedOut { .. } => "build timeout".into(),
        Result_::GraderError { .. } => "grader error".into(),
        Result_::Refused { .. } => "refused".into(),
        Result_::Checked { checks } => {
            let failed: Vec<&str> = checks
                .iter()
                .filter(|c| c.outcome.status == Status::Failed)
                .map(|c| c.name.as_str())
                .collect();
            match (verdict(report), report.partial) {
                ("failed", _) => format!("failed: {}", failed.join(", ")),
                (verdict, true) => format!("{verdict} ({} run)", checks.len()),
                (verdict, false) => verdict.to_string(),
            }
        }
    }
}

/// The table, a row per fixture as each is graded, with a spinner on a
/// terminal saying which one runs and what it is doing.
struct Table {
    /// Print each row as its fixture is graded (else the caller prints
    /// them at the end).
    live: bool,
    bar: ProgressBar,
    exercise: Option<String>,
}

impl Table {
    fn new(human: bool, live: bool) -> Table {
        let bar = if human { render::spinner() } else { ProgressBar::hidden() };
        Table { live, bar, exercise: None }
    }

    fn show(&mut self, event: DevEvent) {
        match event {
            DevEvent::Fixture { fixture, at, of } => {
                self.bar.set_prefix(format!("[{at}/{of}] {}: ", fixture.file.display()));
                self.bar.set_message("building");
            }
            DevEvent::Grading(Event::Starting { name }) => {
                self.bar.set_message(format!("checking {name}"))
            }
            DevEvent::Grading(Event::Build(kata_core::compile::BuildEvent::Compiled {
                package,
                ..
            })) => self.bar.set_message(format!("building {package}")),
            DevEvent::Grading(_) => {}
            DevEvent::Graded(graded) if self.live => self.row(&graded),
            DevEvent::Graded(_) => {}
        }
    }

    fn row(&mut self, graded: &Graded) {
        let slug = graded.fixture.slug.clone();
        let heading =
            (self.exercise.as_deref() != Some(&slug)).then(|| format!("\n{}", slug.bold()));
        self.exercise = Some(slug);
        let mark =
            if graded.problems.is_empty() { "✓".green().bold() } else { "✗".red().bold() };
        let file = match graded.fixture.kind {
            Kind::Solution | Kind::Stub => String::new(),
            _ => graded
                .fixture
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        // What it got is worth a column only where that was not what was
        // expected; the problems below say how.
        let got = if graded.problems.is_empty() {
            String::new()
        } else {
            format!("  got: {}", got(graded))
        };
        let line = format!(
            "  {mark} {:8} {:34} {:40} {:>6.1} s{got}",
            graded.fixture.kind.name(),
            file,
            expected(graded),
            graded.elapsed.as_secs_f64()
        );
        self.bar.suspend(|| {
            if let Some(heading) = heading {
                println!("{heading}");
            }
            println!("{line}");
        });
    }
}
