//! The `kata` command line as a learner sees it: whole screens, compared with
//! snapshots (paths, times and colour filtered out), and exit codes.
//!
//! These run in fresh copies of the workbook and build nothing.

#[macro_use]
mod support;

use support::{screen, workbook};

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
