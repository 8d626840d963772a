//! The `kata` command line as a learner sees it: whole screens, compared with
//! snapshots (paths, times and colour filtered out), and exit codes.
//!
//! These run in fresh copies of a small workbook (`support::small_workbook`:
//! six exercises, so that adding one to the workbook changes no snapshot)
//! and build nothing.

#[macro_use]
mod support;

use support::{screen, small_workbook as workbook};

#[test]
fn next_on_a_fresh_workbook_names_the_first_exercise() {
    let dir = workbook("next");
    assert_screen!("next_fresh", screen(&dir, &["next"]));
}

#[test]
fn next_skips_what_has_passed_and_list_shows_status() {
    let dir = workbook("list");
    std::fs::write(
        dir.join(".kata-progress"),
        "# progress\npassed ex01-spawn-and-join\n",
    )
    .unwrap();
    let second = &kata_core::workbook::Workbook::open(&dir)
        .unwrap()
        .manifest
        .exercises[1];
    let file = dir.join("exercises").join(&second.slug).join("src/lib.rs");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n// my first edit\n");
    std::fs::write(&file, text).unwrap();
    assert_screen!("next_after_ex01", screen(&dir, &["next"]));
    assert_screen!("list_with_progress", screen(&dir, &["list"]));
}

#[test]
fn hints_climb_the_ladder() {
    let dir = workbook("hint");
    assert_screen!("hint_level_1", screen(&dir, &["hint", "ex01"]));
    assert_screen!("hint_level_3", screen(&dir, &["hint", "1", "--level", "3"]));
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_code_2() {
    let dir = workbook("errors");
    assert_screen!("unknown_exercise", screen(&dir, &["check", "ex01-spwan"]));
    assert_screen!(
        "hint_level_out_of_range",
        screen(&dir, &["hint", "1", "--level", "9"])
    );
    // A folder outside any workbook (the scratch folders are inside this one).
    let outside = std::env::temp_dir().join(format!("kata-tests-outside-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    let text = screen(&outside, &["next"]).replace(&outside.display().to_string(), "[OUTSIDE]");
    let _ = std::fs::remove_dir_all(&outside);
    assert_screen!("outside_the_workbook", text);
}

#[test]
fn a_manifest_error_names_the_line() {
    let dir = workbook("manifest");
    let manifest = dir.join("kata.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen(
            "slug = \"ex13-thread-pool\"",
            "slug = \"ex13_thread_pool\"",
            1,
        ),
    )
    .unwrap();
    assert_screen!("manifest_error", screen(&dir, &["list"]));
}

#[test]
fn an_unreadable_progress_file_is_set_aside_not_fatal() {
    let dir = workbook("corrupt");
    std::fs::write(dir.join(".kata-progress"), b"\x00\xffgarbage").unwrap();
    assert_screen!("corrupt_progress", screen(&dir, &["next"]));
    let aside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".kata-progress.unreadable-"))
        .collect();
    assert_eq!(aside.len(), 1, "the unreadable file is kept aside");
    assert!(!dir.join(".kata-progress").exists());
}

#[test]
fn reset_keeps_a_backup_and_says_where() {
    let dir = workbook("reset");
    let file = dir.join("exercises/ex01-spawn-and-join/src/lib.rs");
    std::fs::write(&file, "// my work in progress\n").unwrap();
    assert_screen!("reset", screen(&dir, &["reset", "1"]));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(dir.join("exercises/ex01-spawn-and-join/.stub.rs")).unwrap()
    );
    let backups: Vec<_> = std::fs::read_dir(dir.join(".kata-backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&backups[0]).unwrap(),
        "// my work in progress\n"
    );
    assert_screen!("reset_again", screen(&dir, &["reset", "1"]));
}

#[test]
fn two_resets_in_one_second_keep_both_versions() {
    let dir = workbook("reset-twice");
    let file = dir.join("exercises/ex01-spawn-and-join/src/lib.rs");
    for version in ["// first try\n", "// second try\n"] {
        std::fs::write(&file, version).unwrap();
        let (code, _, stderr) = support::run(support::kata(&dir).args(["reset", "1"]));
        assert_eq!(code, 0, "{stderr}");
    }
    let mut kept: Vec<String> = std::fs::read_dir(dir.join(".kata-backups"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    kept.sort();
    assert_eq!(kept, ["// first try\n", "// second try\n"]);
}

#[test]
fn the_solution_stays_hidden_until_passed() {
    let dir = workbook("solution");
    assert_screen!("solution_refused", screen(&dir, &["solution", "1"]));
    let (code, stdout, stderr) =
        support::run(support::kata(&dir).args(["solution", "1", "--force"]));
    assert_eq!(code, 0);
    assert!(stderr.contains("you have not passed ex01 yet"), "{stderr}");
    assert!(stdout.contains("pub fn parallel_map"), "{stdout}");
    std::fs::write(dir.join(".kata-progress"), "passed ex01-spawn-and-join\n").unwrap();
    let (code, _, stderr) = support::run(support::kata(&dir).args(["solution", "1"]));
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn doctor_names_each_thing_it_checked() {
    let dir = workbook("doctor");
    let (code, stdout, _) = support::run(support::kata(&dir).arg("doctor"));
    for label in [
        "cargo", "rustc", "clippy", "cores", "load", "mdbook", "workbook",
    ] {
        assert!(
            stdout.contains(&format!(" {label} ")),
            "doctor says nothing of {label}:\n{stdout}"
        );
    }
    // 0 when all is well, 1 with problems: both are answers, never a crash.
    assert!(code == 0 || code == 1, "exit {code}:\n{stdout}");
    assert_eq!(code == 0, stdout.contains("All set."), "{stdout}");
}

#[test]
fn completions_work_outside_a_workbook() {
    let outside = std::env::temp_dir();
    let (code, stdout, stderr) =
        support::run(support::kata(&outside).args(["completions", "bash"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("_kata()") && stdout.contains("watch"),
        "{stdout}"
    );
    let (code, _, stderr) = support::run(support::kata(&outside).args(["completions", "tcsh"]));
    assert_eq!(code, 2, "an unknown shell is bad input: {stderr}");
}

/// `--replay` names one schedule of one of the exercise's model checkers;
/// anything else is an error before anything is built (exit 2), which says
/// what to type instead.
#[test]
fn a_replay_of_nothing_is_an_error_that_says_why() {
    let dir = workbook("replay");
    assert_screen!(
        "replay_without_models",
        screen(&dir, &["check", "ex01", "--replay", "random-1"])
    );
    assert_screen!(
        "replay_unknown_schedule",
        screen(&dir, &["check", "ex03", "--replay", "seed-17"])
    );
    assert_screen!(
        "replay_of_another_checker",
        screen(&dir, &["check", "ex05", "--replay", "loom-3"])
    );
    let (code, _, stderr) =
        support::run(support::kata(&dir).args(["check", "--all", "--replay", "pct-1"]));
    assert!(code == 2 && stderr.contains("--all"), "{stderr}");
}

/// In `check --all`, an exercise kata cannot check is that exercise's
/// error, and the others are still checked. (This workbook cannot build at
/// all: its lock file names exercises it lacks, so cargo stops each build
/// at once.)
#[test]
fn a_grader_error_is_one_exercises_and_the_run_goes_on() {
    let dir = workbook("grader-error");
    let (code, stdout, stderr) = support::run(support::kata(&dir).args(["check", "--all"]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    for slug in support::SMALL {
        let id = &slug[..4];
        assert!(
            stderr.contains(&format!(
                "kata: error: {id}: cargo could not build the checks of {id}"
            )),
            "{id}: {stderr}"
        );
    }
    let ids: Vec<&str> = support::SMALL.iter().map(|s| &s[..4]).collect();
    assert!(
        stdout.contains(&format!(
            "kata: 0 of 6 exercises passed; kata could not check {} (its error is above)",
            ids.join(", ")
        )),
        "{stdout}"
    );
    let (code, stdout, _) =
        support::run(support::kata(&dir).args(["check", "--all", "--format", "json"]));
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(code, 2);
    assert_eq!(document["exercises"][2]["result"]["kind"], "grader-error");
}

/// `kata grade` too: each cell kata could not grade says so, the class is
/// still graded and reported, and the exit code says not all went well.
#[test]
fn kata_grade_reports_a_grader_error_in_its_cell() {
    let dir = workbook("grade-error");
    let alice = dir.join("class/alice/exercises/ex01-spawn-and-join/src");
    std::fs::create_dir_all(&alice).unwrap();
    std::fs::write(alice.join("lib.rs"), "// my try\n").unwrap();
    let (code, _, stderr) = support::run(support::kata(&dir).args([
        "grade",
        "class/alice",
        "--out",
        "out",
        "--exercises",
        "ex01,ex03",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("kata: 1 exercise(s) could not be graded: alice ex01"),
        "{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/report.json")).unwrap())
            .unwrap();
    let cells = &report["students"][0]["exercises"];
    assert_eq!(cells[0]["status"], "grader-error");
    assert_eq!(cells[1]["status"], "not-attempted");
}

/// `kata dev new` scaffolds an exercise that `kata dev check --structure`
/// accepts, in curriculum order; the screens that list every exercise show
/// it (and only this small workbook's snapshots hold the list).
#[test]
fn kata_dev_new_scaffolds_an_exercise_the_workbook_accepts() {
    let dir = workbook("dev-new");
    assert_screen!(
        "dev_new",
        screen(
            &dir,
            &[
                "dev",
                "new",
                "ex02-scoped-threads",
                "--topic",
                "threads that borrow"
            ]
        )
    );
    assert_screen!(
        "dev_check_structure",
        screen(&dir, &["dev", "check", "--structure"])
    );
    let (_, stdout, _) = support::run(support::kata(&dir).arg("list"));
    assert!(
        stdout.contains("→ ex01")
            && stdout.contains("ex02  Scoped threads")
            && stdout.contains("0 of 7 passed."),
        "{stdout}"
    );
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains("name = \"ex02-scoped-threads-checks\""),
        "the lock file names the new crates"
    );
    let again = screen(&dir, &["dev", "new", "ex02-other"]);
    assert!(
        again.contains("[exit 2]")
            && again.contains("would share its number with ex02-scoped-threads"),
        "{again}"
    );
    // A folder of no exercise is a problem, and the exit code says so.
    std::fs::create_dir_all(dir.join("tests/wrong/ex77-stray")).unwrap();
    let (code, stdout, _) = support::run(support::kata(&dir).args(["dev", "check", "--structure"]));
    assert!(
        code == 1 && stdout.contains("tests/wrong/ex77-stray belongs to no exercise"),
        "{stdout}"
    );
}

/// What CI lints with each model checker comes from kata.toml, read by kata.
#[test]
fn kata_dev_packages_lists_the_model_checked_crates() {
    let dir = workbook("dev-packages");
    assert_screen!(
        "dev_packages_shuttle",
        screen(&dir, &["dev", "packages", "--model", "shuttle"])
    );
    let (code, stdout, _) =
        support::run(support::kata(&dir).args(["dev", "packages", "--model", "loom"]));
    assert_eq!(
        (code, stdout.as_str()),
        (0, "ex03-lost-update-checks\nex03-lost-update-solution\n")
    );
}
