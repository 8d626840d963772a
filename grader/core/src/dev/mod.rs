//! The workbook's developer side: what `kata dev` does, and what the
//! project's own tests run (`tests/manifest.rs`, `tests/grading.rs`), so
//! that "the workbook is right" has one definition.
//!
//! - [`layout`]: the manifest and the folders agree, without building;
//! - [`bench`](mod@bench) and [`expect`]: every solution passes, every stub fails,
//!   every known-wrong, known-right and hostile file gets the verdict its
//!   header says, each graded as a learner's code in a scratch copy;
//! - [`scaffold`]: a new exercise's files, as `kata dev new` writes them.

pub mod bench;
pub mod expect;
pub mod layout;
pub mod scaffold;

use crate::grade::Event;
use crate::manifest::{Exercise, Model};
use crate::workbook::Workbook;
use crate::Error;
use bench::{Bench, Fixture, Graded};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `kata dev check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Where the manifest and the folders disagree.
    pub layout: Vec<String>,
    /// Each exercise's fixtures, graded, in manifest order.
    pub exercises: Vec<(String, Vec<Graded>)>,
    /// Processes the checks left running.
    pub leftovers: Vec<String>,
    pub elapsed: Duration,
}

impl Report {
    /// Every problem, each naming what it is about.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.layout.clone();
        for (_, graded) in &self.exercises {
            for graded in graded {
                for problem in &graded.problems {
                    problems.push(format!("{}: {problem}", graded.fixture.file.display()));
                }
            }
        }
        if !self.leftovers.is_empty() {
            problems.push(format!(
                "processes left running after the checks: {}",
                self.leftovers.join(", ")
            ));
        }
        problems
    }

    /// How many fixtures were graded.
    pub fn fixtures(&self) -> usize {
        self.exercises.iter().map(|(_, g)| g.len()).sum()
    }
}

/// What `kata dev check` reports while it works.
#[derive(Debug, Clone)]
pub enum DevEvent {
    /// A fixture is about to be graded: the `at`th of `of`.
    Fixture {
        fixture: Fixture,
        at: usize,
        of: usize,
    },
    Grading(Event),
    Graded(Box<Graded>),
}

/// Checks the layout of `workbook`, then grades every fixture of each of
/// `exercises` (in manifest order) on `bench`, one at a time: two timing
/// checks at once would measure each other.
pub fn check(
    workbook: &Workbook,
    exercises: &[&Exercise],
    bench: &Bench,
    strict: bool,
    on_event: Arc<dyn Fn(DevEvent) + Send + Sync>,
) -> Result<Report, Error> {
    let started = Instant::now();
    let mut report = Report { layout: layout::problems(workbook, strict), ..Report::default() };
    let all: Vec<(&Exercise, Fixture)> = exercises
        .iter()
        .flat_map(|e| bench::fixtures(workbook, e).into_iter().map(move |f| (*e, f)))
        .collect();
    let of = all.len();
    for (at, (exercise, fixture)) in all.into_iter().enumerate() {
        on_event(DevEvent::Fixture { fixture: fixture.clone(), at: at + 1, of });
        let forward = Arc::clone(&on_event);
        let graded = bench.grade(exercise, &fixture, move |e| forward(DevEvent::Grading(e)))?;
        on_event(DevEvent::Graded(Box::new(graded.clone())));
        match report.exercises.last_mut() {
            Some((slug, list)) if *slug == exercise.slug => list.push(graded),
            _ => report.exercises.push((exercise.slug.clone(), vec![graded])),
        }
    }
    report.leftovers = bench::leftovers(&bench.target_dir());
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The packages a model checker's build compiles for the workbook's
/// exercises checked with `model`: each one's checks and solution, which
/// hold code only that build compiles (what CI lints with it).
pub fn model_packages(workbook: &Workbook, model: Model) -> Vec<String> {
    workbook
        .manifest
        .exercises
        .iter()
        .filter(|e| e.models.contains(&model))
        .flat_map(|e| [e.checks_package(), format!("{}-solution", e.slug)])
        .collect()
}
