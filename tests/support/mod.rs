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
/// progress, no git): what a learner has after cloning. Every file is
/// written anew, so cargo never takes an older build for this copy's.
pub fn copy_workbook(dest: &Path) {
    if dest.exists() {
        std::fs::remove_dir_all(dest).expect("old scratch workbook removed");
    }
    kata_core::scratch::sync(&root(), dest).expect("the workbook copies");
    // Learners start from the untouched stubs, whatever this tree holds.
    for exercise in std::fs::read_dir(dest.join("exercises")).unwrap() {
        let exercise = exercise.unwrap().path();
        std::fs::copy(exercise.join(".stub.rs"), exercise.join("src/lib.rs")).unwrap();
    }
}

/// The exercises of [`small_workbook`]: one of each kind a screen shows
/// (plain, model-checked with a lint, medals), and the pairs the progress
/// tests renumber.
pub const SMALL: [&str; 6] = [
    "ex01-spawn-and-join",
    "ex03-lost-update",
    "ex05-lock-ordering",
    "ex13-thread-pool",
    "ex14-thread-pool-downloader",
    "ex19-parallel-matmul",
];

/// A fresh copy of the workbook that holds only the exercises in [`SMALL`]
/// (its manifest, folders and book cut down to them), for the screens that
/// list every exercise: adding an exercise to the workbook changes none of
/// their snapshots. It builds nothing (its lock file still names the
/// exercises it lacks).
pub fn small_workbook(name: &str) -> PathBuf {
    let dir = workbook(name);
    let manifest = dir.join("kata.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    // The manifest's blocks, each from its `[[exercise]]` line.
    let mut blocks = text.split("\n[[exercise]]\n");
    let mut kept = blocks.next().unwrap().to_string();
    for block in blocks {
        if SMALL
            .iter()
            .any(|slug| block.starts_with(&format!("slug = \"{slug}\"\n")))
        {
            kept.push_str("\n[[exercise]]\n");
            kept.push_str(block);
        }
    }
    std::fs::write(&manifest, &kept).unwrap();
    let listed: Vec<String> = kata_core::workbook::Workbook::open(&dir)
        .expect("the small manifest is valid")
        .manifest
        .exercises
        .into_iter()
        .map(|e| e.slug)
        .collect();
    assert_eq!(listed, SMALL, "kata.toml's entries open with their slug");
    for folder in [
        "exercises",
        "solutions",
        "grader/checks",
        "tests/wrong",
        "tests/right",
        "tests/hostile",
    ] {
        for entry in std::fs::read_dir(dir.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() && !SMALL.contains(&name.as_str()) {
                std::fs::remove_dir_all(&path).unwrap();
            }
        }
    }
    for entry in std::fs::read_dir(dir.join("book/src/exercises")).unwrap() {
        let path = entry.unwrap().path();
        let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
        if !SMALL.contains(&slug.as_str()) {
            std::fs::remove_file(&path).unwrap();
        }
    }
    let summary = dir.join("book/src/SUMMARY.md");
    let lines: Vec<String> = std::fs::read_to_string(&summary)
        .unwrap()
        .lines()
        .filter(|l| {
            !l.contains("(exercises/")
                || SMALL
                    .iter()
                    .any(|s| l.contains(&format!("(exercises/{s}.md)")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&summary, lines.concat()).unwrap();
    dir
}

/// A scratch folder under the workbook's `target/`, emptied.
pub fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/kata-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
