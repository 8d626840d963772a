//! Progress as a learner carries it: a file written by an older kata, a
//! workbook whose exercises were renumbered, `kata progress export` and
//! `import` between copies of the workbook, and `kata reset --all`.
//!
//! Like tests/cli.rs, these run the real binary in fresh copies of the
//! workbook and build nothing.

#[macro_use]
mod support;

use std::path::Path;
use support::{screen, small_workbook as workbook};

/// Renames exercise `from` to `to` as a workbook update would: its entry in
/// kata.toml, its folders, its chapter.
fn renumber(dir: &Path, from: &str, to: &str) {
    let edit = |file: &Path| {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(from), "{} names no {from}", file.display());
        std::fs::write(file, text.replace(from, to)).unwrap();
    };
    edit(&dir.join("kata.toml"));
    edit(&dir.join("book/src/SUMMARY.md"));
    for folder in ["exercises", "solutions", "grader/checks"] {
        std::fs::rename(dir.join(folder).join(from), dir.join(folder).join(to)).unwrap();
    }
    let chapters = dir.join("book/src/exercises");
    std::fs::rename(
        chapters.join(format!("{from}.md")),
        chapters.join(format!("{to}.md")),
    )
    .unwrap();
}

/// The line of `kata list` for exercise `id`.
fn list_line(stdout: &str, id: &str) -> String {
    stdout
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == id))
        .unwrap_or_else(|| panic!("kata list has no {id}:\n{stdout}"))
        .to_string()
}

#[test]
fn a_progress_file_keyed_by_slug_still_loads_and_is_rewritten_by_name() {
    let dir = workbook("old-progress");
    let file = dir.join(".kata-progress");
    let old = "# kata progress: written by `kata check`. Delete this file to start over.\n\
               passed ex01-spawn-and-join\nhint ex13-thread-pool 2\n\
               passed ex19-parallel-matmul\nmedal ex19-parallel-matmul gold\n";
    std::fs::write(&file, old).unwrap();
    let (code, stdout, stderr) = support::run(support::kata(&dir).arg("list"));
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    assert!(list_line(&stdout, "ex01").ends_with("passed"), "{stdout}");
    assert!(
        list_line(&stdout, "ex19").ends_with("passed (gold)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("2 of {} passed.", support::SMALL.len())),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        old,
        "reading writes nothing"
    );
    // `kata hint 13` remembered level 2, so shows the third; then writes.
    let (_, stdout, _) = support::run(support::kata(&dir).args(["hint", "13"]));
    assert!(stdout.contains("Hint 3 of 3"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "# kata progress: written by `kata check` and `kata hint`. Delete this file to start over.\n\
         version 2\n\
         passed parallel-matmul\nmedal parallel-matmul gold\n\
         passed spawn-and-join\n\
         hint thread-pool 3\n"
    );
}

#[test]
fn a_renumbering_of_the_workbook_keeps_progress() {
    let dir = workbook("renumber");
    std::fs::write(
        dir.join(".kata-progress"),
        "version 2\npassed spawn-and-join\npassed thread-pool\nhint thread-pool 2\nattempts thread-pool 4\n",
    )
    .unwrap();
    // A new exercise goes in before ex13: ex13 and ex14 move up by one.
    renumber(
        &dir,
        "ex14-thread-pool-downloader",
        "ex15-thread-pool-downloader",
    );
    renumber(&dir, "ex13-thread-pool", "ex14-thread-pool");
    let (code, stdout, stderr) = support::run(support::kata(&dir).arg("list"));
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    let pool = list_line(&stdout, "ex14");
    assert!(
        pool.contains("A thread pool of your own") && pool.ends_with("passed"),
        "{stdout}"
    );
    assert!(!list_line(&stdout, "ex15").contains("passed"), "{stdout}");
    assert!(list_line(&stdout, "ex01").ends_with("passed"), "{stdout}");
    assert!(!stdout.contains("ex13"), "{stdout}");
    let (_, stdout, _) = support::run(support::kata(&dir).args(["hint", "14"]));
    assert!(
        stdout.contains("ex14 · A thread pool of your own") && stdout.contains("Hint 3 of 3"),
        "the hint level moved along: {stdout}"
    );
}

/// `kata progress export`'s document, parsed.
fn export(dir: &Path) -> serde_json::Value {
    let (code, stdout, stderr) = support::run(support::kata(dir).args(["progress", "export"]));
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn export_then_import_carries_passes_medals_hints_and_attempts() {
    let from = workbook("export");
    std::fs::write(
        from.join(".kata-progress"),
        "version 2\npassed spawn-and-join\nhint spawn-and-join 1\nattempts spawn-and-join 3\n\
         hint thread-pool 3\nattempts thread-pool 7\n\
         passed parallel-matmul\nmedal parallel-matmul gold\nattempts parallel-matmul 2\n",
    )
    .unwrap();
    let file = from.join("progress.json");
    let (code, stdout, stderr) =
        support::run(support::kata(&from).args(["progress", "export", "--out", "progress.json"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("Exported the progress of 3 exercises to progress.json."));
    let exported = export(&from);
    let names: Vec<&str> = exported["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["spawn-and-join", "thread-pool", "parallel-matmul"],
        "manifest order"
    );

    let to = workbook("import");
    let import = |dir: &Path| screen(dir, &["progress", "import", &file.display().to_string()]);
    assert_screen!("progress_import", import(&to));
    assert_eq!(export(&to)["exercises"], exported["exercises"]);
    let again = import(&to);
    assert!(
        again.contains("0 exercises taken; 3 had nothing newer"),
        "{again}"
    );

    // A workbook without thread-pool takes the rest, and keeps it aside.
    let lacking = workbook("import-lacking");
    let manifest = lacking.join("kata.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("\"ex13-thread-pool\"", "\"ex13-own-pool\""),
    )
    .unwrap();
    let screen = import(&lacking);
    assert!(screen.starts_with("$ kata progress import"), "{screen}");
    assert!(
        screen.contains("[exit 0]") && screen.contains("2 exercises taken"),
        "{screen}"
    );
    assert!(
        screen.contains("kata: warning: this workbook has no exercise thread-pool"),
        "{screen}"
    );
    let by_name = |document: serde_json::Value| {
        let mut exercises = document["exercises"].as_array().unwrap().clone();
        exercises.sort_by_key(|e| e["name"].to_string());
        exercises
    };
    assert_eq!(
        by_name(export(&lacking)),
        by_name(exported),
        "thread-pool kept aside, the rest taken"
    );
}

#[test]
fn a_bad_import_says_what_and_where_and_imports_nothing() {
    let dir = workbook("import-bad");
    let bad = dir.join("bad.json");
    for (text, wanted) in [
        ("{\"kata\": \"0.1.0\",\n \"exercises\": []}", "missing field `exported_at` at line 2"),
        ("{\"kata\": \"0.1.0\", \"exported_at\": 1, \"exercises\": [\n  {\"name\": \"spawn-and-join\", \"passed\": true, \"hints_seen\": 7, \"attempts\": 1}]}",
         "exercises[0] (spawn-and-join): hints_seen is 7"),
        ("not json", "expected ident at line 1 column 2"),
    ] {
        std::fs::write(&bad, text).unwrap();
        let (code, stdout, stderr) =
            support::run(support::kata(&dir).args(["progress", "import", "bad.json"]));
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert!(
            stderr.starts_with("kata: error: could not import bad.json: ") && stderr.contains(wanted),
            "{stderr}"
        );
    }
    assert!(!dir.join(".kata-progress").exists());
}

#[test]
fn reset_all_backs_up_what_changed_and_restores_every_stub() {
    let dir = workbook("reset-all");
    let progress = "version 2\npassed spawn-and-join\n";
    std::fs::write(dir.join(".kata-progress"), progress).unwrap();
    let lib = |slug: &str| dir.join("exercises").join(slug).join("src/lib.rs");
    std::fs::write(lib("ex01-spawn-and-join"), "// mine\n").unwrap();
    std::fs::write(lib("ex05-lock-ordering"), "// also mine\n").unwrap();
    std::fs::remove_file(lib("ex13-thread-pool")).unwrap();
    assert_screen!("reset_all", screen(&dir, &["reset", "--all"]));
    let mut kept: Vec<String> = std::fs::read_dir(dir.join(".kata-backups"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    kept.sort();
    assert_eq!(kept, ["// also mine\n", "// mine\n"], "only changed files");
    for exercise in std::fs::read_dir(dir.join("exercises")).unwrap() {
        let exercise = exercise.unwrap().path();
        assert_eq!(
            std::fs::read(exercise.join("src/lib.rs")).unwrap(),
            std::fs::read(exercise.join(".stub.rs")).unwrap(),
            "{}",
            exercise.display()
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join(".kata-progress")).unwrap(),
        progress
    );
    let again = screen(&dir, &["reset", "--all"]);
    assert!(
        again.contains(&format!(
            "Reset 0 exercises; {} already had the original stub.",
            support::SMALL.len()
        )),
        "{again}"
    );
    let (code, _, stderr) = support::run(support::kata(&dir).arg("reset"));
    assert!(code == 2 && stderr.contains("<EXERCISE>"), "{stderr}");
}
