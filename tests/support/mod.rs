//! Helpers shared by the project's tests: where the workbook is, how to run
//! the real `kata` binary, and scratch copies of the workbook to run it in.

#![allow(dead_code)] // each test file uses its own share of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workbook these tests belong to.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workbook root exists")
}

/// The real `kata` binary, run in `dir`, without colour, and showing
/// commands as `kata ...` (it says `cargo kata ...` only under cargo).
pub fn kata(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kata"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CARGO")
        .env_remove("CLICOLOR_FORCE");
    command
}

pub fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("kata runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// A fresh copy of the workbook's sources at `dest` (no build output, no
/// progress, no git): what a learner has after cloning.
pub fn copy_workbook(dest: &Path) {
    let root = root();
    if dest.exists() {
        std::fs::remove_dir_all(dest).expect("old scratch workbook removed");
    }
    let skip = |relative: &Path| {
        let first = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        matches!(first.as_deref(), Some("target" | ".git" | ".kata-backups"))
            || relative.starts_with("book/book")
            || relative.to_string_lossy().starts_with(".kata-progress")
    };
    for entry in walkdir::WalkDir::new(&root).into_iter().filter_entry(|e| {
        e.path()
            .strip_prefix(&root)
            .map_or(true, |r| r.as_os_str().is_empty() || !skip(r))
    }) {
        let entry = entry.expect("workbook readable");
        let relative = entry.path().strip_prefix(&root).unwrap();
        let to = dest.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    // Learners start from the untouched stubs, whatever this tree holds.
    for exercise in std::fs::read_dir(dest.join("exercises")).unwrap() {
        let exercise = exercise.unwrap().path();
        std::fs::copy(exercise.join(".stub.rs"), exercise.join("src/lib.rs")).unwrap();
    }
}

/// A scratch folder under the workbook's `target/`, emptied.
pub fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/kata-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
