//! Where things are: the workbook's root, and every path derived from a slug.

use crate::manifest::{Exercise, Manifest, FILE_NAME};
use crate::Error;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Workbook {
    root: PathBuf,
    pub manifest: Manifest,
    /// Where cargo builds for this workbook, when not `CARGO_TARGET_DIR`
    /// or `target/`: a class's scratch copies build in a target dir of
    /// kata's choosing, whatever the process's environment says.
    target_dir: Option<PathBuf>,
}

impl Workbook {
    /// Finds the workbook that holds `start` (the folder itself or one above
    /// it with `kata.toml`) and reads its manifest.
    pub fn discover(start: &Path) -> Result<Workbook, Error> {
        let root = start
            .ancestors()
            .find(|dir| dir.join(FILE_NAME).is_file())
            .ok_or_else(|| Error::NotInWorkbook { start: start.to_path_buf() })?;
        Workbook::open(root)
    }

    /// Opens the workbook whose root is `root`.
    pub fn open(root: &Path) -> Result<Workbook, Error> {
        let manifest = Manifest::load(&root.join(FILE_NAME))?;
        Ok(Workbook { root: root.to_path_buf(), manifest, target_dir: None })
    }

    /// This workbook, building in `dir` instead of the target dir the
    /// environment names.
    pub fn with_target_dir(mut self, dir: PathBuf) -> Workbook {
        self.target_dir = Some(dir);
        self
    }

    /// The target dir set by [`Workbook::with_target_dir`], if any.
    pub fn target_dir_override(&self) -> Option<&Path> {
        self.target_dir.as_deref()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The first exercise the learner has not passed, in manifest order.
    pub fn next_exercise(&self, passed: &dyn Fn(&Exercise) -> bool) -> Option<&Exercise> {
        self.manifest.exercises.iter().find(|e| !passed(e))
    }

    /// The file the learner edits.
    pub fn exercise_file(&self, exercise: &Exercise) -> PathBuf {
        self.exercise_dir(exercise).join("src").join("lib.rs")
    }

    pub fn exercise_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("exercises").join(&exercise.slug)
    }

    pub fn solution_file(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("solutions").join(&exercise.slug).join("src").join("lib.rs")
    }

    pub fn checks_file(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("grader").join("checks").join(&exercise.slug).join("src").join("main.rs")
    }

    /// The stub as shipped, which `kata reset` restores: beside the
    /// exercise's crate, outside its `src/`, so it is never compiled.
    pub fn original_stub(&self, exercise: &Exercise) -> PathBuf {
        self.exercise_dir(exercise).join(".stub.rs")
    }

    /// The chapter's source; the built page is the same path under `book/book`
    /// with `.html`.
    pub fn chapter_file(&self, exercise: &Exercise) -> PathBuf {
        self.root.join(self.chapter_path(exercise))
    }

    /// The chapter relative to the workbook root, as shown to learners.
    pub fn chapter_path(&self, exercise: &Exercise) -> PathBuf {
        Path::new("book").join("src").join("exercises").join(format!("{}.md", exercise.slug))
    }

    /// `path` relative to the workbook root when it is inside it.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}
