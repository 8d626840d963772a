//! Helpers shared by the project's tests: where the workbook is, how to run
//! the real `kata` binary, and scratch copies of the workbook to run it in.

#![allow(dead_code)] // each test file uses its own share of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh copy of the workbook for one CLI test.
pub fn workbook(name: &str) -> PathBuf {
    let dir = scratch(&format!("cli-{name}")).join("workbook");
    copy_workbook(&dir);
    dir
}

/// Runs kata in `dir` and returns one screen: exit code, stdout, stderr.
pub fn screen(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(kata(dir).args(args));
    let mut text = format!("$ kata {}\n[exit {code}]\n{stdout}", args.join(" "));
    if !stderr.is_empty() {
        text.push_str(&format!("[stderr]\n{stderr}"));
    }
    text.replace(&dir.display().to_string(), "[WORKBOOK]")
}

/// Compares a screen with its snapshot in `tests/snapshots/`, with times and
/// scratch paths filtered out (`#[macro_use] mod support;`).
#[allow(unused_macros)] // only the CLI tests compare screens
macro_rules! assert_screen {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({
            filters => vec![
                (r"\d{8}-\d{6}", "[TIME]"),
                (r"unreadable-\d+", "unreadable-[TIME]"),
                (r"/\S*/kata-tests/[^/\s]+", "[SCRATCH]"),
            ],
            prepend_module_to_snapshot => false,
            snapshot_path => support::root().join("tests/snapshots"),
        }, {
            insta::assert_snapshot!($name, $screen);
        });
    };
}

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
