//! The grader against known code: every reference solution passes, every
//! untouched stub fails without hanging, and every known-wrong solution in
//! `tests/wrong/` fails the way its header says, with the teaching message.
//!
//! These build real exercises and run real checks, so they are slow-ish and
//! run one at a time: on a 2-core machine two timing checks at once would
//! measure each other.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `kata check <args> --format json` in `dir`: (exit code, document).
fn check_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut command = support::kata(dir);
    command.arg("check").args(args).args(["--format", "json"]);
    let (code, stdout, stderr) = support::run(&mut command);
    let document = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("kata check {args:?} printed no JSON ({e}); exit {code}\nstdout: {stdout}\nstderr: {stderr}"));
    (code, document)
}

fn checks_of(exercise: &Value) -> Vec<(String, String, String)> {
    exercise["result"]["checks"]
        .as_array()
        .map(|checks| {
            checks
                .iter()
                .map(|c| {
                    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
                    (
                        text(&c["name"]),
                        text(&c["outcome"]["status"]),
                        text(&c["outcome"]["message"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_reference_solution_passes() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (code, document) = check_json(&support::root(), &["--all", "--solution"]);
    for exercise in document["exercises"].as_array().unwrap() {
        let failing: Vec<_> = checks_of(exercise)
            .into_iter()
            .filter(|(_, status, _)| status == "failed")
            .collect();
        assert!(
            exercise["passed"] == true,
            "the reference solution of {} fails: {failing:#?}\n{exercise:#}",
            exercise["slug"]
        );
    }
    assert_eq!(code, 0);
}

/// A copy of the workbook where known-wrong code can be put in place of the
/// learner's file, with its own target dir (kept between runs).
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = support::root().join("target/kata-tests/workbook");
        support::copy_workbook(&dir);
        Scratch { dir }
    }

    fn check(&self, slug: &str, lib_rs: &Path) -> (i32, Value) {
        std::fs::copy(
            lib_rs,
            self.dir.join("exercises").join(slug).join("src/lib.rs"),
        )
        .unwrap();
        let mut command = support::kata(&self.dir);
        command
            .env(
                "CARGO_TARGET_DIR",
                support::root().join("target/kata-tests/target"),
            )
            .args(["check", slug, "--format", "json"]);
        let (code, stdout, stderr) = support::run(&mut command);
        let document: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "no JSON from checking {} ({e}); exit {code}\n{stdout}\n{stderr}",
                lib_rs.display()
            )
        });
        (code, document["exercises"][0].clone())
    }
}

#[test]
fn every_stub_fails_and_every_known_wrong_solution_fails_as_it_should() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let root = support::root();
    let scratch = Scratch::new();
    let workbook = kata_grader::workbook::Workbook::open(&root).unwrap();
    let mut problems = Vec::new();
    for exercise in &workbook.manifest.exercises {
        let slug = &exercise.slug;
        let (code, report) = scratch.check(slug, &workbook.original_stub(exercise));
        if code != 1 || report["passed"] != false {
            problems.push(format!(
                "the stub of {slug} did not fail cleanly (exit {code}): {report:#}"
            ));
        }
        let wrong_dir = root.join("tests/wrong").join(slug);
        let Ok(entries) = std::fs::read_dir(&wrong_dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let (code, report) = scratch.check(slug, &file);
            let name = file.strip_prefix(&root).unwrap().display().to_string();
            if code != 1 {
                problems.push(format!("{name}: expected exit code 1, got {code}"));
            }
            let checks = checks_of(&report);
            for expectation in text
                .lines()
                .filter_map(|l| l.strip_prefix("//! expect-fail: "))
            {
                let (check, wanted) = expectation
                    .split_once(": ")
                    .expect("expect-fail: <check>: <text>");
                match checks.iter().find(|(name, _, _)| name == check) {
                    Some((_, status, message)) if status == "failed" && message.contains(wanted) => {}
                    Some((_, status, message)) => problems.push(format!(
                        "{name}: check `{check}` should fail with \"{wanted}\", but it {status}: {message}"
                    )),
                    None => problems.push(format!("{name}: no check named `{check}` ran: {report:#}")),
                }
            }
        }
        // Leave the scratch exercise as a learner would find it.
        std::fs::copy(
            workbook.original_stub(exercise),
            scratch.dir.join("exercises").join(slug).join("src/lib.rs"),
        )
        .unwrap();
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}
