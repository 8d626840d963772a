//! `kata grade`: a teacher grades a class. The grading is the core's
//! ([`kata_core::class`]); this file parses, shows progress, and writes
//! `DIR/report.{json,csv,html}` and `DIR/junit/<student>.xml`.

use crate::cli::GradeArgs;
use indicatif::{ProgressBar, ProgressStyle};
use kata_core::class::{self, ClassEvent, Plan};
use kata_core::class_report::{self, ClassReport};
use kata_core::grade::Event;
use kata_core::submission::{self, Submission};
use kata_core::workbook::Workbook;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn run(workbook: &Workbook, args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let exercises = if args.exercises.is_empty() {
        workbook.manifest.exercises.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for given in &args.exercises {
            chosen.push(workbook.manifest.find(given)?);
        }
        // Manifest order, each once.
        chosen.sort_by_key(|e| e.number);
        chosen.dedup_by_key(|e| e.number);
        chosen
    };
    let mut submissions = Vec::new();
    let mut names = BTreeMap::new();
    for path in &args.submissions {
        let submission = Submission::open(path)?;
        let file = submission::file_name(&submission.student);
        if let Some(other) = names.insert(file.clone(), path.clone()) {
            anyhow::bail!(
                "{} and {} are one student's name ({file}): name each submission after a different student",
                other.display(),
                path.display()
            );
        }
        submissions.push(submission);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = args.jobs.map_or(class::default_jobs(cores), usize::from);
    let why = match args.jobs {
        Some(_) => "as -j asked".to_string(),
        None if cores <= 2 => format!(
            "{cores} cores: two submissions at once would run timing checks side by side, and they would measure each other"
        ),
        None => format!("half of {cores} cores, a core for each check's threads and one for the builds beside it"),
    };
    let cells = (submissions.len() * exercises.len()) as u64;
    eprintln!(
        "kata: grading {} submission(s) × {} exercise(s), {jobs} at a time ({why})",
        submissions.len(),
        exercises.len()
    );
    let plan = Plan {
        teacher: workbook,
        exercises,
        jobs,
        target_dir: args.target_dir.clone(),
        audit: args.audit,
    };
    let display = Arc::new(Mutex::new(Display::new(cells, submissions.len())));
    let shown = Arc::clone(&display);
    let (report, grades) = class::grade_class(
        &plan,
        submissions,
        Arc::new(move |event| shown.lock().unwrap_or_else(|e| e.into_inner()).show(event)),
    )?;
    display.lock().unwrap_or_else(|e| e.into_inner()).bar.finish_and_clear();
    write_reports(&args.out, &report)?;
    let junit = args.out.join("junit");
    std::fs::create_dir_all(&junit)?;
    for graded in &grades {
        let file = junit.join(format!("{}.xml", submission::file_name(&graded.row.student)));
        let xml = kata_core::class_html::junit(&graded.row.student, &graded.reports);
        std::fs::write(&file, xml)
            .map_err(|e| anyhow::anyhow!("could not write {}: {e}", file.display()))?;
    }
    let wall = started.elapsed();
    let costs: Vec<f64> = grades.iter().map(|g| g.elapsed.as_secs_f64()).collect();
    let mean = costs.iter().sum::<f64>() / costs.len().max(1) as f64;
    let max = costs.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "kata: graded {} submission(s) in {:.1} s with -j {jobs}: {mean:.1} s per submission on average, {max:.1} s at most. \
         Reports in {}",
        grades.len(),
        wall.as_secs_f64(),
        args.out.display()
    );
    // A cell kata could not grade is no grade: said once more here, and in
    // the exit code, after every other cell was graded and reported.
    let broken: Vec<String> = report
        .students
        .iter()
        .flat_map(|row| {
            row.exercises
                .iter()
                .filter(|cell| cell.status == class_report::CellStatus::GraderError)
                .map(move |cell| format!("{} {}", row.student, cell.id))
        })
        .collect();
    if !broken.is_empty() {
        eprintln!(
            "kata: {} exercise(s) could not be graded: {} (the reports say why, in each cell; grade them again \
             once that is fixed)",
            broken.len(),
            broken.join(", ")
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// `kata grade --merge SHARD.json... --out DIR`.
pub fn merge(args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let mut shards = Vec::new();
    for path in &args.submissions {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("could not read the shard report {}: {e}", path.display())
        })?;
        let name = path.display().to_string();
        shards.push((name.clone(), ClassReport::parse(&text, &name)?));
    }
    let merged = class_report::merge(shards)?;
    write_reports(&args.out, &merged)?;
    eprintln!(
        "kata: merged {} shard(s), {} student(s), into {}",
        args.submissions.len(),
        merged.students.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `DIR/report.json`, `report.csv` and `report.html`.
fn write_reports(out: &Path, report: &ClassReport) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)
        .map_err(|e| anyhow::anyhow!("could not create {}: {e}", out.display()))?;
    let json = serde_json::to_string_pretty(report)? + "\n";
    for (name, text) in [
        ("report.json", json),
        ("report.csv", report.csv()),
        ("report.html", kata_core::class_html::html(report)),
    ] {
        let file = out.join(name);
        std::fs::write(&file, text)
            .map_err(|e| anyhow::anyhow!("could not write {}: {e}", file.display()))?;
    }
    Ok(())
}

/// A progress bar over every (student, exercise) cell with its ETA, and
/// what each job is doing; off a terminal, a line per graded student.
struct Display {
    bar: ProgressBar,
    terminal: bool,
    /// Per job: the cell it is on, counted when the next one starts.
    open: BTreeMap<usize, String>,
    students: usize,
    done: usize,
}

impl Display {
    fn new(cells: u64, students: usize) -> Display {
        let terminal = std::io::stderr().is_terminal();
        let bar = if terminal {
            let bar = ProgressBar::new(cells);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} exercises graded, ETA {eta} · {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Display { bar, terminal, open: BTreeMap::new(), students, done: 0 }
    }

    fn show(&mut self, event: ClassEvent) {
        match event {
            ClassEvent::Exercise { job, student, exercise } => {
                if self.open.insert(job, format!("{student}: {exercise}")).is_some() {
                    self.bar.inc(1);
                }
                self.refresh(None);
            }
            ClassEvent::Grading { job, event } => {
                let doing = match event {
                    Event::Build(_) => "building".to_string(),
                    Event::Starting { name } => format!("check {name}"),
                    _ => return,
                };
                self.refresh(Some((job, doing)));
            }
            ClassEvent::Student { job, row, elapsed } => {
                self.open.remove(&job);
                self.bar.inc(1);
                self.done += 1;
                let line = format!(
                    "kata: [{}/{}] {}: {} of {} points ({:.1} s)",
                    self.done,
                    self.students,
                    row.student,
                    row.points,
                    row.max_points,
                    elapsed.as_secs_f64()
                );
                if self.terminal {
                    self.bar.println(line);
                } else {
                    eprintln!("{line}");
                }
            }
        }
    }

    fn refresh(&self, doing: Option<(usize, String)>) {
        if !self.terminal {
            return;
        }
        let jobs: Vec<String> = self
            .open
            .iter()
            .map(|(job, cell)| match &doing {
                Some((j, what)) if j == job => format!("{cell} ({what})"),
                _ => cell.clone(),
            })
            .collect();
        self.bar.set_message(jobs.join(" · "));
    }
}
