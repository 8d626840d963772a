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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// Which fixtures a `kata dev check` grades, and how many times each.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Only the fixtures whose path (from the workbook root) holds one of
    /// these (`tests/wrong/`, `blind_`, `solutions/`); none: every fixture.
    pub only: Vec<String>,
    /// How many times each is graded (at least once): a verdict that holds
    /// only most of the time is a flaky check.
    pub repeat: usize,
}

impl Default for Selection {
    fn default() -> Selection {
        Selection { only: Vec::new(), repeat: 1 }
    }
}

impl Selection {
    fn wants(&self, fixture: &Fixture) -> bool {
        let path = fixture.file.to_string_lossy();
        self.only.is_empty() || self.only.iter().any(|part| path.contains(part.as_str()))
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
/// `exercises` that `selection` wants, as many times as it says. Each bench
/// (a copy of the workbook with a target dir of its own) grades one
/// exercise at a time, its fixtures one after another; with two benches,
/// two exercises are graded at once, each a load on the other's timings,
/// which the checks must bear anyway (a learner's machine is busy too, and
/// `scripts/noise.sh` holds them to it with both cores loaded). The report
/// lists the exercises in manifest order.
pub fn check(
    workbook: &Workbook,
    exercises: &[&Exercise],
    selection: &Selection,
    benches: &[Bench],
    strict: bool,
    on_event: Arc<dyn Fn(DevEvent) + Send + Sync>,
) -> Result<Report, Error> {
    let started = Instant::now();
    let mut report = Report { layout: layout::problems(workbook, strict), ..Report::default() };
    let work: Vec<(&Exercise, Vec<Fixture>)> = exercises
        .iter()
        .map(|e| {
            let fixtures = bench::fixtures(workbook, e)
                .into_iter()
                .filter(|f| selection.wants(f))
                .flat_map(|f| std::iter::repeat_n(f, selection.repeat.max(1)))
                .collect();
            (*e, fixtures)
        })
        .collect();
    // The exercises with the most fixtures first, so that the benches end
    // near the same time.
    let mut order: Vec<usize> = (0..work.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(work[i].1.len()));
    let queue = Queue {
        of: work.iter().map(|(_, f)| f.len()).sum(),
        work,
        order,
        next: AtomicUsize::new(0),
        at: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
    };
    let graded: Vec<Result<Done, Error>> = std::thread::scope(|scope| {
        let workers: Vec<_> = benches
            .iter()
            .map(|bench| {
                let (queue, on_event) = (&queue, Arc::clone(&on_event));
                scope.spawn(move || queue.grade_on(bench, &on_event))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut by_index = Vec::new();
    for worker in graded {
        by_index.extend(worker?);
    }
    by_index.sort_by_key(|(index, _)| *index);
    report.exercises = by_index
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(index, list)| (queue.work[index].0.slug.clone(), list))
        .collect();
    report.leftovers = benches.iter().flat_map(|b| bench::leftovers(&b.target_dir())).collect();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The exercises graded (by their index in the queue's list) by one bench.
type Done = Vec<(usize, Vec<Graded>)>;

/// The exercises still to grade, shared by the benches.
struct Queue<'a> {
    work: Vec<(&'a Exercise, Vec<Fixture>)>,
    /// The order to hand them out in.
    order: Vec<usize>,
    next: AtomicUsize,
    /// Fixtures started so far, of `of`.
    at: AtomicUsize,
    of: usize,
    /// A bench could not grade a fixture: the others take no more.
    failed: AtomicBool,
}

impl Queue<'_> {
    /// Grades on `bench` one exercise after another, each fixture in turn,
    /// until none is left.
    fn grade_on(
        &self,
        bench: &Bench,
        on_event: &Arc<dyn Fn(DevEvent) + Send + Sync>,
    ) -> Result<Done, Error> {
        let mut done = Vec::new();
        while !self.failed.load(Ordering::Relaxed) {
            let Some(&index) = self.order.get(self.next.fetch_add(1, Ordering::Relaxed)) else {
                break;
            };
            let (exercise, fixtures) = &self.work[index];
            let mut list = Vec::new();
            for fixture in fixtures {
                let at = self.at.fetch_add(1, Ordering::Relaxed) + 1;
                on_event(DevEvent::Fixture { fixture: fixture.clone(), at, of: self.of });
                let forward = Arc::clone(on_event);
                let graded = bench
                    .grade(exercise, fixture, move |e| forward(DevEvent::Grading(e)))
                    .inspect_err(|_| self.failed.store(true, Ordering::Relaxed))?;
                on_event(DevEvent::Graded(Box::new(graded.clone())));
                list.push(graded);
            }
            done.push((index, list));
        }
        Ok(done)
    }
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

#[cfg(test)]
mod tests {
    use super::bench::{Fixture, Kind};
    use super::Selection;
    use std::path::PathBuf;

    fn fixture(file: &str) -> Fixture {
        Fixture {
            slug: "ex06-event".into(),
            kind: Kind::Wrong,
            file: PathBuf::from(file),
            expect: Err(String::new()),
        }
    }

    #[test]
    fn a_selection_keeps_the_fixtures_whose_path_holds_one_of_its_parts() {
        let wrong = fixture("tests/wrong/ex06-event/blind_if_not_while.rs");
        let right = fixture("tests/right/ex06-event/two_condvars.rs");
        let solution = fixture("solutions/ex06-event/src/lib.rs");
        let all = Selection::default();
        assert!([&wrong, &right, &solution].iter().all(|f| all.wants(f)));
        let some = Selection { only: vec!["blind_".into(), "solutions/".into()], repeat: 3 };
        assert!(some.wants(&wrong) && some.wants(&solution));
        assert!(!some.wants(&right));
    }
}
