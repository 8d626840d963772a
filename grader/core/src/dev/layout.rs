//! The manifest and the folders agree: every exercise `kata.toml` lists has
//! all its parts, named after its slug, and nothing stands in the
//! workbook's exercise folders, the book or the fixture suites that the
//! manifest does not list. Checked without building anything.

use super::bench::{fixtures, Kind};
use crate::manifest::Exercise;
use crate::workbook::Workbook;
use std::collections::BTreeSet;
use std::path::Path;

/// Every way the workbook's folders disagree with its manifest, each
/// naming the file and what to do. `strict`: the project's own tree, whose
/// exercises must hold their stubs untouched (CI sets `KATA_STRICT`).
pub fn problems(workbook: &Workbook, strict: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let root = workbook.root();
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap_or_default();
    for exercise in &workbook.manifest.exercises {
        exercise_problems(workbook, exercise, strict, &summary, &mut problems);
    }
    let slugs: BTreeSet<&str> =
        workbook.manifest.exercises.iter().map(|e| e.slug.as_str()).collect();
    for folder in
        ["exercises", "solutions", "grader/checks", "tests/wrong", "tests/right", "tests/hostile"]
    {
        for name in entries(&root.join(folder)) {
            if name != "README.md" && !slugs.contains(name.as_str()) {
                problems.push(format!(
                    "{folder}/{name} belongs to no exercise of kata.toml: add the exercise to kata.toml \
                     (`kata dev new`), or move the folder out"
                ));
            }
        }
    }
    for folder in ["tests/wrong", "tests/right", "tests/hostile"] {
        for slug in entries(&root.join(folder)).iter().filter(|s| slugs.contains(s.as_str())) {
            for name in entries(&root.join(folder).join(slug)) {
                if !name.ends_with(".rs") {
                    problems.push(format!(
                        "{folder}/{slug}/{name} is no .rs file: a fixture is a whole src/lib.rs (notes go in \
                         its header, or in {folder}/README.md)"
                    ));
                }
            }
        }
    }
    for name in entries(&root.join("book/src/exercises")) {
        let slug = name.strip_suffix(".md").unwrap_or(&name);
        if !slugs.contains(slug) {
            problems.push(format!(
                "book/src/exercises/{name} is the chapter of no exercise of kata.toml"
            ));
        }
    }
    // The book lists the chapters in the order a learner meets them.
    let listed: Vec<&str> = summary
        .lines()
        .filter_map(|l| l.split("(exercises/").nth(1)?.split(".md)").next())
        .collect();
    for slug in listed.iter().filter(|s| !slugs.contains(*s)) {
        problems.push(format!(
            "book/src/SUMMARY.md links exercises/{slug}.md, which is no exercise of kata.toml"
        ));
    }
    let in_manifest: Vec<&str> = workbook
        .manifest
        .exercises
        .iter()
        .map(|e| e.slug.as_str())
        .filter(|s| listed.contains(s))
        .collect();
    let in_summary: Vec<&str> = listed.iter().copied().filter(|s| slugs.contains(s)).collect();
    if in_manifest != in_summary {
        problems.push(format!(
            "book/src/SUMMARY.md lists the chapters in another order than kata.toml ({}); put them in the \
             manifest's order",
            in_summary.join(", ")
        ));
    }
    problems
}

fn exercise_problems(
    workbook: &Workbook,
    exercise: &Exercise,
    strict: bool,
    summary: &str,
    problems: &mut Vec<String>,
) {
    let root = workbook.root();
    let slug = &exercise.slug;
    let mut say = |problem: String| problems.push(format!("{slug}: {problem}"));
    let parts = [
        ("stub", workbook.exercise_file(exercise)),
        ("original stub (.stub.rs)", workbook.original_stub(exercise)),
        ("solution", workbook.solution_file(exercise)),
        ("checks", workbook.checks_file(exercise)),
        ("chapter", workbook.chapter_file(exercise)),
    ];
    let mut missing = false;
    for (what, path) in &parts {
        if !path.is_file() {
            say(format!("has no {what} at {}", workbook.relative(path).display()));
            missing = true;
        }
    }
    if missing {
        return;
    }
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    for (dir, package) in [
        ("exercises", slug.clone()),
        ("solutions", format!("{slug}-solution")),
        ("grader/checks", exercise.checks_package()),
    ] {
        let path = root.join(dir).join(slug).join("Cargo.toml");
        match read(&path).parse::<toml::Table>() {
            Err(e) => say(format!(
                "{} does not parse: {}",
                workbook.relative(&path).display(),
                e.message()
            )),
            Ok(table) => {
                let name =
                    table.get("package").and_then(|p| p.get("name")).and_then(|n| n.as_str());
                if name != Some(package.as_str()) {
                    say(format!(
                        "{} names its package {name:?}; it must be \"{package}\"",
                        workbook.relative(&path).display()
                    ));
                }
                let forbids = table
                    .get("lints")
                    .and_then(|l| l.get("rust"))
                    .and_then(|r| r.get("unsafe_code"))
                    .and_then(|v| v.as_str())
                    == Some("forbid");
                if dir != "grader/checks" && forbids == exercise.allow_unsafe {
                    say(format!(
                        "{}: `unsafe_code` must be forbidden unless kata.toml says allow-unsafe (it says {})",
                        workbook.relative(&path).display(),
                        exercise.allow_unsafe
                    ));
                }
                if dir == "grader/checks" {
                    for feature in ["learner", "reference"] {
                        if table.get("features").and_then(|f| f.get(feature)).is_none() {
                            say(format!(
                                "{} has no feature `{feature}`: the grader builds the checks with \
                                 `--features learner` or `reference`",
                                workbook.relative(&path).display()
                            ));
                        }
                    }
                }
            }
        }
    }
    let stub = read(&workbook.original_stub(exercise));
    for (needle, what) in [
        ("todo!()", "no `todo!()`"),
        ("// TODO", "no `// TODO` marking a place to edit"),
        (
            &format!("Check: cargo kata check {}", exercise.id()) as &str,
            "no `Check:` line saying how to check it",
        ),
    ] {
        if !stub.contains(needle) {
            say(format!("the original stub has {what}"));
        }
    }
    if strict && read(&workbook.exercise_file(exercise)) != stub {
        say("src/lib.rs differs from the original .stub.rs beside it: the project ships stubs untouched".into());
    }
    for path in [workbook.solution_file(exercise), workbook.checks_file(exercise)] {
        let text = read(&path);
        if text.contains("todo!(") || text.contains("unimplemented!(") {
            say(format!(
                "{} is not finished: it still has todo!/unimplemented!",
                workbook.relative(&path).display()
            ));
        }
    }
    let allowances = crate::source_policy::Allowances { modules: exercise.allow.clone() };
    let solution_src = root.join("solutions").join(slug).join("src");
    for file in rust_files(&solution_src) {
        for finding in crate::source_policy::scan(&read(&file), &allowances) {
            say(format!(
                "{}:{}: the reference uses {}, which the source policy refuses in a learner's code",
                workbook.relative(&file).display(),
                finding.line,
                finding.what
            ));
        }
    }
    let chapter = read(&workbook.chapter_file(exercise));
    if !chapter.contains(&format!("exercises/{slug}/src/lib.rs")) {
        say("the chapter does not name its exercise file".into());
    }
    if !chapter.contains(&format!("cargo kata check {}", exercise.id())) {
        say(format!("the chapter does not say `cargo kata check {}`", exercise.id()));
    }
    if !summary.contains(&format!("(exercises/{slug}.md)")) {
        say("book/src/SUMMARY.md does not list its chapter".into());
    }
    if let Some(lint) = &exercise.lint {
        let config = root.join("grader/lints").join(lint).join("clippy.toml");
        if !config.is_file() {
            say(format!(
                "kata.toml names lint = \"{lint}\", but {} does not exist",
                workbook.relative(&config).display()
            ));
        }
    }
    for fixture in fixtures(workbook, exercise) {
        if let (Err(why), true) = (&fixture.expect, fixture.kind != Kind::Solution) {
            say(format!("{}: {why}", fixture.file.display()));
        }
    }
}

/// The names of the entries directly inside `dir`, sorted.
fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The `.rs` files below `dir`, sorted.
pub(crate) fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
