//! Running the workbook's fixtures: each reference solution, each stub,
//! each known-wrong, known-right and hostile file, graded by the same
//! [`grade::grade`] as `kata check`, as a learner's code in a scratch copy
//! of the workbook (the source policy, the manifest check, the sandbox and
//! the dep-info check all apply), and judged against what its header says.
//!
//! What makes a fixture cheap (issue 20): one process grades them all, so
//! the lists of checks, the dependencies and the reference builds are read
//! or built once; and a known-wrong file runs only the checks its header
//! names, so a model build that holds none of them is not built at all.

use super::expect::Expectation;
use crate::compile::Target;
use crate::grade::{self, Event, Options};
use crate::manifest::Exercise;
use crate::report::ExerciseReport;
use crate::workbook::Workbook;
use crate::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a fixture is to its exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The reference, graded as itself (`kata check --solution`).
    Solution,
    /// The untouched stub: it must fail.
    Stub,
    /// `tests/wrong/<slug>/*.rs`: fails as its header says.
    Wrong,
    /// `tests/right/<slug>/*.rs`: passes.
    Right,
    /// `tests/hostile/<slug>/*.rs`: gets the verdict its header says.
    Hostile,
}

impl Kind {
    /// How the table names this kind of fixture.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Solution => "solution",
            Kind::Stub => "stub",
            Kind::Wrong => "wrong",
            Kind::Right => "right",
            Kind::Hostile => "hostile",
        }
    }
}

/// One file to grade, and what it must get.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The exercise it is for.
    pub slug: String,
    pub kind: Kind,
    /// From the workbook root.
    pub file: PathBuf,
    /// `Err`: its header says nothing kata can judge by, and why.
    pub expect: Result<Expectation, String>,
}

/// The fixtures of `exercise`: its solution, its stub, then the files of
/// `tests/wrong/`, `tests/hostile/` and `tests/right/` for it, each sorted.
pub fn fixtures(workbook: &Workbook, exercise: &Exercise) -> Vec<Fixture> {
    let root = workbook.root();
    let mut found = vec![
        Fixture {
            slug: exercise.slug.clone(),
            kind: Kind::Solution,
            file: workbook.relative(&workbook.solution_file(exercise)).to_path_buf(),
            expect: Ok(Expectation::pass()),
        },
        Fixture {
            slug: exercise.slug.clone(),
            kind: Kind::Stub,
            file: workbook.relative(&workbook.original_stub(exercise)).to_path_buf(),
            expect: Ok(Expectation::stub()),
        },
    ];
    for (kind, folder, opening) in [
        (Kind::Wrong, "tests/wrong", "//! Known wrong"),
        (Kind::Hostile, "tests/hostile", "//! Hostile"),
        (Kind::Right, "tests/right", "//! Known right"),
    ] {
        let dir = root.join(folder).join(&exercise.slug);
        for file in super::layout::rust_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let expect = match kind {
                Kind::Right if text.starts_with(opening) => Ok(Expectation::pass()),
                Kind::Right => Err(format!("does not open with `{opening}`")),
                _ => Expectation::read(&text, opening),
            };
            found.push(Fixture {
                slug: exercise.slug.clone(),
                kind,
                file: workbook.relative(&file).to_path_buf(),
                expect,
            });
        }
    }
    found
}

/// A fixture graded: the report, and what is wrong with it.
#[derive(Debug, Clone)]
pub struct Graded {
    pub fixture: Fixture,
    pub report: Option<ExerciseReport>,
    pub problems: Vec<String>,
    pub elapsed: Duration,
}

/// A scratch copy of a workbook to grade fixtures in, with a target dir of
/// its own (cargo names a member's artifacts by its path in the workspace,
/// so two copies must not share one while both are built; see `class`).
pub struct Bench {
    source: Workbook,
    copy: Workbook,
    /// The file last put in a learner's place, and where: graded again
    /// at once (`--repeat`), it is not written anew, so cargo has nothing
    /// to rebuild and a repeat costs only its checks.
    last_put: std::sync::Mutex<Option<(PathBuf, Vec<u8>)>>,
}

impl Bench {
    /// Makes (or brings in line) the copy of `source` at `dir`, building in
    /// `target`. The copy is the workbook as it is now: a run grades that,
    /// whatever is edited meanwhile.
    pub fn new(source: &Workbook, dir: &Path, target: PathBuf) -> Result<Bench, Error> {
        crate::scratch::sync(source.root(), dir)?;
        // The last copy to build in `target`, if not this one, may have
        // left builds newer than this copy's files (see `scratch::refresh`).
        let marker = target.join(".kata-dev-copy");
        let ours = dir.display().to_string();
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(ours.as_str()) {
            crate::scratch::refresh(dir)?;
            let _ = std::fs::create_dir_all(&target);
            let _ = std::fs::write(&marker, &ours);
        }
        Ok(Bench {
            source: source.clone(),
            copy: Workbook::open(dir)?.with_target_dir(target),
            last_put: std::sync::Mutex::new(None),
        })
    }

    /// Grades `fixture` of `exercise` and judges it. The copy must come
    /// out as it went in, but for the learner's own folder: a file written
    /// anywhere else is a problem (the sandbox should have stopped it).
    pub fn grade(
        &self,
        exercise: &Exercise,
        fixture: &Fixture,
        on_event: impl FnMut(Event) + Send + 'static,
    ) -> Result<Graded, Error> {
        let started = Instant::now();
        let expectation = match &fixture.expect {
            Ok(expectation) => expectation,
            Err(why) => {
                return Ok(Graded {
                    fixture: fixture.clone(),
                    report: None,
                    problems: vec![why.clone()],
                    elapsed: Duration::ZERO,
                })
            }
        };
        let target = if fixture.kind == Kind::Solution {
            Target::Reference
        } else {
            self.put(exercise, &self.source.root().join(&fixture.file))?;
            Target::Learner
        };
        let options = Options { only: expectation.only(), ..Options::whole(target) };
        let before = crate::scratch::snapshot(self.copy.root())?;
        let report = grade::grade(&self.copy, exercise, options, on_event)
            .unwrap_or_else(|error| ExerciseReport::grader_error(&exercise.slug, target, &error));
        let mut problems = expectation.judge(&report);
        // What the run wrote in the copy (the sandbox should have stopped
        // it), compared with the copy itself: the workbook may be edited
        // meanwhile, and the whole run grades it as it was at the start.
        let src = Path::new("exercises").join(&exercise.slug).join("src");
        let changed: Vec<String> =
            crate::scratch::changed(&before, &crate::scratch::snapshot(self.copy.root())?)
                .into_iter()
                .filter(|path| !path.starts_with(&src))
                .map(|path| path.display().to_string())
                .collect();
        if !changed.is_empty() {
            problems.push(format!(
                "grading it changed the workbook outside the learner's folder: {}",
                changed.join(", ")
            ));
            // The next fixture starts from a clean copy.
            crate::scratch::sync(self.source.root(), self.copy.root())?;
        }
        Ok(Graded {
            fixture: fixture.clone(),
            report: Some(report),
            problems,
            elapsed: started.elapsed(),
        })
    }

    /// Puts `file` in the learner's place, alone in `src/`, written anew:
    /// a fresh modification time, so that cargo never takes an older build
    /// (of another copy, in the same target dir) for this one's. The one
    /// exception: the same text that this bench put there last, still
    /// there alone, which is what its builds were last made of.
    fn put(&self, exercise: &Exercise, file: &Path) -> Result<(), Error> {
        let text = std::fs::read(file)
            .map_err(|e| Error::io(format!("could not read {}", file.display()), e))?;
        let src = self.copy.exercise_dir(exercise).join("src");
        let lib = src.join("lib.rs");
        let mut last = self.last_put.lock().unwrap_or_else(|e| e.into_inner());
        let alone = std::fs::read_dir(&src).map(|entries| entries.count() == 1).unwrap_or(false);
        if alone
            && last.as_ref().is_some_and(|(path, put)| *path == lib && *put == text)
            && std::fs::read(&lib).is_ok_and(|there| there == text)
        {
            return Ok(());
        }
        *last = Some((lib.clone(), text.clone()));
        let _ = std::fs::remove_dir_all(&src);
        std::fs::create_dir_all(&src)
            .map_err(|e| Error::io(format!("could not create {}", src.display()), e))?;
        std::fs::write(&lib, text)
            .map_err(|e| Error::io(format!("could not write {}", lib.display()), e))
    }

    /// The copy's target dir.
    pub fn target_dir(&self) -> PathBuf {
        crate::compile::target_dir(&self.copy)
    }
}

/// Processes still running from a binary under `target` (Linux: /proc):
/// a check must take everything it started with it.
pub fn leftovers(target: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| {
            let path = e.ok()?.path();
            let exe = std::fs::read_link(path.join("exe")).ok()?;
            exe.starts_with(target).then(|| format!("{} ({})", path.display(), exe.display()))
        })
        .collect()
}
