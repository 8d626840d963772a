//! Grading a class: many students' submissions, each graded by the same
//! [`grade::grade`] as `kata check`, in a scratch copy of the teacher's own
//! workbook, so that nothing a student changed outside their exercise files
//! takes part in the grade.
//!
//! Each job has one scratch copy, kept between runs under the teacher's
//! target dir (`kata-grade/job-N/workbook`) and brought in line with the
//! teacher's files at the start (a file is rewritten only when its contents
//! differ, so cargo keeps what it built). For each student the job swaps in
//! only `exercises/<slug>/src/**/*.rs`; the `Cargo.toml`s, the checks, the
//! solutions and the manifest stay the teacher's. Every dependency, the
//! harness and the reference builds are therefore built once per job, and a
//! student costs only their own crate and the checks binary linked to it.
//!
//! Why a target dir per job and not one for all: cargo names a workspace
//! member's artifacts by its path *relative to the workspace root*, so two
//! scratch copies would build `exercises/ex01-spawn-and-join` into the same
//! files, and cargo decides freshness by modification time: one job could
//! link the crate another job's student just built. One job per target dir
//! makes that impossible; the learner's files are always written anew, so
//! their time is later than any build before.
//!
//! An exercise whose file is missing or byte-identical to the shipped stub
//! is "not attempted" and is not built at all.

use crate::class_report::{Cell, ClassReport, Column, Row};
use crate::compile::{self, Target};
use crate::grade::{self, Event, Options};
use crate::manifest::Exercise;
use crate::policy::Refusal;
use crate::report::{ExerciseReport, Graded};
use crate::submission::{LearnerFile, Submission};
use crate::workbook::Workbook;
use crate::Error;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to grade and how.
pub struct Plan<'a> {
    pub teacher: &'a Workbook,
    /// The exercises graded, in manifest order.
    pub exercises: Vec<&'a Exercise>,
    /// How many submissions are graded at once ([`default_jobs`]).
    pub jobs: usize,
    /// The first job's cargo target dir; later jobs get their own beside
    /// the scratch copies. `None`: `kata-grade/job-0/target` under the
    /// teacher's target dir.
    pub target_dir: Option<PathBuf>,
    /// List each student's files that differ outside `exercises/*/src/`.
    pub audit: bool,
}

/// What a class run reports while it works, for a progress display.
#[derive(Debug, Clone)]
pub enum ClassEvent {
    /// A job starts on a student's exercise.
    Exercise { job: usize, student: String, exercise: String },
    /// Something happened inside that exercise's grading.
    Grading { job: usize, event: Event },
    /// A student is graded; `elapsed` is the wall time it took.
    Student { job: usize, row: Box<Row>, elapsed: Duration },
}

/// One student's grades: the row of the report, and the full report of
/// each exercise (`None`: not attempted), for JUnit.
pub struct StudentGrades {
    pub row: Row,
    pub reports: Vec<(String, Option<ExerciseReport>)>,
    pub elapsed: Duration,
}

/// How many submissions to grade at once on a machine with `cores`: one
/// on two cores or fewer, where two timing checks at once would measure
/// each other (a check runs alone on its machine, as `kata check` runs
/// one check at a time), else half the cores, leaving a core to each
/// check's threads and one to the builds beside it.
pub fn default_jobs(cores: usize) -> usize {
    if cores <= 2 {
        1
    } else {
        cores / 2
    }
}

/// Grades every submission against every exercise of `plan`; the rows come
/// back sorted by student. An exercise kata could not grade is that cell's
/// error (a [`Graded::GraderError`], status `grader-error`), and the run goes
/// on; `Err` only when the class cannot be graded at all (the scratch copies
/// cannot be made, a grading thread cannot start).
pub fn grade_class(
    plan: &Plan,
    submissions: Vec<Submission>,
    on_event: Arc<dyn Fn(ClassEvent) + Send + Sync>,
) -> Result<(ClassReport, Vec<StudentGrades>), Error> {
    let columns = ClassReport::columns(&plan.exercises);
    let base = compile::target_dir(plan.teacher).join("kata-grade");
    let jobs = plan.jobs.clamp(1, submissions.len().max(1));
    let mut copies = Vec::new();
    for job in 0..jobs {
        let dir = base.join(format!("job-{job}"));
        let target = match (&plan.target_dir, job) {
            (Some(dir), 0) => dir.clone(),
            _ => dir.join("target"),
        };
        let scratch =
            crate::scratch::placed(dir.join("workbook"), &target, &format!("kata-grade-job-{job}"));
        crate::scratch::sync(plan.teacher.root(), &scratch)?;
        copies.push(Workbook::open(&scratch)?.with_target_dir(target));
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<StudentGrades>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for (job, copy) in copies.iter().enumerate() {
            let (next, stop, results, failure) = (&next, &stop, &results, &failure);
            let (submissions, columns, on_event) = (&submissions, &columns, &on_event);
            let worker = move || {
                while !stop.load(Ordering::Relaxed) {
                    let Some(submission) = submissions.get(next.fetch_add(1, Ordering::Relaxed))
                    else {
                        break;
                    };
                    let grades = grade_student(plan, copy, job, submission, columns, on_event);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push(grades);
                }
            };
            let spawned = std::thread::Builder::new()
                .name(format!("kata-grade-{job}"))
                .spawn_scoped(scope, worker);
            if let Err(error) = spawned {
                stop.store(true, Ordering::Relaxed);
                failure
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(Error::io("could not start a grading thread", error));
            }
        }
    });
    if let Some(error) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(error);
    }
    let mut graded = results.into_inner().unwrap_or_else(|e| e.into_inner());
    graded.sort_by(|a, b| a.row.student.cmp(&b.row.student));
    let report = ClassReport {
        kata: env!("CARGO_PKG_VERSION").into(),
        commit: crate::pin::commit(plan.teacher),
        grader_hash: crate::pin::grader_hash(plan.teacher),
        graded_at: crate::class_report::now_utc(),
        exercises: columns,
        students: graded.iter().map(|g| g.row.clone()).collect(),
    };
    Ok((report, graded))
}

fn grade_student(
    plan: &Plan,
    copy: &Workbook,
    job: usize,
    submission: &Submission,
    columns: &[Column],
    on_event: &Arc<dyn Fn(ClassEvent) + Send + Sync>,
) -> StudentGrades {
    let started = Instant::now();
    let mut reports = Vec::new();
    let mut cells = Vec::new();
    for exercise in &plan.exercises {
        on_event(ClassEvent::Exercise {
            job,
            student: submission.student.clone(),
            exercise: exercise.id(),
        });
        let report = match &submission.unreadable {
            Some(why) => Some(ExerciseReport {
                slug: exercise.slug.clone(),
                target: Target::Learner,
                result: Graded::Refused {
                    reasons: vec![Refusal {
                        file: submission.source.clone(),
                        line: None,
                        message: why.clone(),
                    }],
                },
                partial: false,
            }),
            // A grader error is this cell's, reported in it: the rest of
            // the class is still graded.
            None => match swap_in(copy, exercise, submission) {
                Ok(false) => None,
                Ok(true) => {
                    let forward = Arc::clone(on_event);
                    let graded = grade::grade(
                        copy,
                        exercise,
                        Options::whole(Target::Learner),
                        move |event| forward(ClassEvent::Grading { job, event }),
                    );
                    Some(graded.unwrap_or_else(|error| {
                        ExerciseReport::grader_error(&exercise.slug, Target::Learner, &error)
                    }))
                }
                Err(error) => {
                    Some(ExerciseReport::grader_error(&exercise.slug, Target::Learner, &error))
                }
            },
        };
        cells.push(Cell::new(exercise, report.as_ref()));
        reports.push((exercise.slug.clone(), report));
    }
    let mut row = Row::new(&submission.student, columns, cells);
    if plan.audit {
        row.audit = Some(submission.audit(plan.teacher));
    }
    let elapsed = started.elapsed();
    on_event(ClassEvent::Student { job, row: Box::new(row.clone()), elapsed });
    StudentGrades { row, reports, elapsed }
}

/// Puts the student's `src/` of `exercise` in the scratch copy, written
/// anew (links kept as links, for the policy to refuse); the stub when they
/// have none. `false` when not attempted: no `lib.rs`, or the stub as shipped.
fn swap_in(copy: &Workbook, exercise: &Exercise, submission: &Submission) -> Result<bool, Error> {
    let src = copy.exercise_dir(exercise).join("src");
    let stub_path = copy.original_stub(exercise);
    let stub = std::fs::read(&stub_path)
        .map_err(|e| Error::io(format!("could not read the stub {}", stub_path.display()), e))?;
    let files = submission.learner_code(&exercise.slug);
    let attempted = files.as_ref().is_some_and(|files| {
        let lib = files.iter().find(|(path, _)| path == Path::new("lib.rs"));
        !matches!(lib, Some((_, LearnerFile::File(bytes))) if *bytes == stub)
    });
    let io = |what: &Path, e| Error::io(format!("could not write {}", what.display()), e);
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).map_err(|e| io(&src, e))?;
    let files = match files {
        Some(files) if attempted => files,
        _ => vec![(PathBuf::from("lib.rs"), LearnerFile::File(stub))],
    };
    for (relative, file) in files {
        let to = src.join(&relative);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        match file {
            LearnerFile::File(bytes) => std::fs::write(&to, bytes).map_err(|e| io(&to, e))?,
            LearnerFile::Link(target) => link(&target, &to).map_err(|e| io(&to, e))?,
        }
    }
    Ok(attempted)
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

/// Elsewhere a link becomes a file that says what it was, which the policy
/// cannot refuse as a link, but which will not compile either.
#[cfg(not(unix))]
fn link(target: &Path, at: &Path) -> std::io::Result<()> {
    std::fs::write(at, format!("compile_error!(\"a link to {}\");", target.display()))
}
