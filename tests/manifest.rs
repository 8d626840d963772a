//! The manifest agrees with the folders: every exercise it lists has its stub,
//! original stub, solution, checks and chapter, and nothing exists that it
//! does not list.

mod support;

use kata_core::workbook::Workbook;
use std::collections::BTreeSet;
use std::path::Path;

fn workbook() -> Workbook {
    Workbook::open(&support::root()).expect("the manifest is valid")
}

/// The names of the entries directly inside `dir`, minus `ignore`.
fn entries(dir: &Path, ignore: &[&str]) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !ignore.contains(&name.as_str()))
        .collect()
}

#[test]
fn every_exercise_has_all_its_parts() {
    let workbook = workbook();
    let root = workbook.root();
    for exercise in &workbook.manifest.exercises {
        let slug = &exercise.slug;
        for (what, path) in [
            ("stub", workbook.exercise_file(exercise)),
            ("original stub", workbook.original_stub(exercise)),
            ("solution", workbook.solution_file(exercise)),
            ("checks", workbook.checks_file(exercise)),
            ("chapter", workbook.chapter_file(exercise)),
        ] {
            assert!(path.is_file(), "{slug} has no {what} at {}", path.display());
        }
        let manifest_of = |dir: &str| {
            std::fs::read_to_string(root.join(dir).join(slug).join("Cargo.toml")).unwrap()
        };
        assert!(
            manifest_of("exercises").contains(&format!("name = \"{slug}\"")),
            "{slug}: exercise package name"
        );
        assert!(
            manifest_of("solutions").contains(&format!("name = \"{slug}-solution\"")),
            "{slug}: solution package name"
        );
        assert!(
            std::fs::read_to_string(root.join("grader/checks").join(slug).join("Cargo.toml"))
                .unwrap()
                .contains(&format!("name = \"{}\"", exercise.checks_package())),
            "{slug}: checks package name"
        );
        let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap();
        assert!(
            summary.contains(&format!("(exercises/{slug}.md)")),
            "{slug} has no entry in book/src/SUMMARY.md"
        );
        let chapter = std::fs::read_to_string(workbook.chapter_file(exercise)).unwrap();
        assert!(
            chapter.contains(&format!("exercises/{slug}/src/lib.rs")),
            "the chapter of {slug} does not link to its exercise file"
        );
        assert!(
            chapter.contains(&format!("cargo kata check {}", exercise.id())),
            "the chapter of {slug} does not say how to check it"
        );
    }
}

#[test]
fn nothing_exists_without_a_manifest_entry() {
    let workbook = workbook();
    let root = workbook.root();
    let slugs: BTreeSet<String> = workbook
        .manifest
        .exercises
        .iter()
        .map(|e| e.slug.clone())
        .collect();
    let with = |suffix: &str| {
        slugs
            .iter()
            .map(|s| format!("{s}{suffix}"))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        entries(&root.join("exercises"), &[]),
        slugs,
        "folders in exercises/"
    );
    assert_eq!(
        entries(&root.join("solutions"), &[]),
        slugs,
        "folders in solutions/"
    );
    assert_eq!(
        entries(&root.join("grader/checks"), &[]),
        slugs,
        "folders in grader/checks/"
    );
    assert_eq!(
        entries(&root.join("book/src/exercises"), &[]),
        with(".md"),
        "chapters in book/src/exercises/"
    );
    let wrong = entries(&root.join("tests/wrong"), &["README.md"]);
    assert!(
        wrong.is_subset(&slugs),
        "tests/wrong/ has folders for unknown exercises: {wrong:?}"
    );
    // Every chapter the book lists under exercises/ is an exercise.
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap();
    for line in summary.lines().filter(|l| l.contains("(exercises/")) {
        let slug = line
            .split("(exercises/")
            .nth(1)
            .and_then(|r| r.split(".md)").next())
            .unwrap();
        assert!(
            slugs.contains(slug),
            "SUMMARY.md links a chapter of no exercise: {slug}"
        );
    }
}

#[test]
fn stubs_are_stubs_and_solutions_are_not() {
    let workbook = workbook();
    let strict = std::env::var_os("KATA_STRICT").is_some();
    for exercise in &workbook.manifest.exercises {
        let original = std::fs::read_to_string(workbook.original_stub(exercise)).unwrap();
        assert!(
            original.contains("todo!()"),
            "{}: the original stub has no todo!()",
            exercise.slug
        );
        assert!(
            original.contains("// TODO"),
            "{}: the original stub marks no place to edit",
            exercise.slug
        );
        assert!(
            original.contains(&format!("Check: cargo kata check {}", exercise.id())),
            "{}: the stub's header does not say how to check it",
            exercise.slug
        );
        // A learner's tree has edited exercises; the project's own tree (CI)
        // must ship them untouched.
        if strict {
            let shipped = std::fs::read_to_string(workbook.exercise_file(exercise)).unwrap();
            assert_eq!(
                shipped, original,
                "{}: src/lib.rs differs from the original .stub.rs beside it",
                exercise.slug
            );
        }
        for path in [
            workbook.solution_file(exercise),
            workbook.checks_file(exercise),
        ] {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains("todo!(") && !text.contains("unimplemented!("),
                "{} is not finished: it still has todo!/unimplemented!",
                path.display()
            );
        }
    }
}

#[test]
fn every_known_wrong_solution_says_what_it_expects() {
    let root = support::root();
    for entry in walkdir::WalkDir::new(root.join("tests/wrong")).min_depth(2) {
        let path = entry.unwrap().into_path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("//! Known wrong"),
            "{} does not open with `//! Known wrong`",
            path.display()
        );
        assert!(
            text.contains("//! expect-fail: ") || text.contains("//! expect-refused: "),
            "{} expects nothing",
            path.display()
        );
    }
}

/// Code under check may not use `unsafe` unless its exercise says the lesson
/// needs it: the shipped manifests (which the grader holds the learner's to)
/// forbid the lint, and every reference keeps the source policy.
#[test]
fn only_exercises_that_allow_unsafe_lift_the_lint_and_references_keep_the_policy() {
    let workbook = workbook();
    let root = workbook.root();
    for exercise in &workbook.manifest.exercises {
        let slug = &exercise.slug;
        for dir in ["exercises", "solutions"] {
            let path = root.join(dir).join(slug).join("Cargo.toml");
            let table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
            let forbids = table
                .get("lints")
                .and_then(|l| l.get("rust"))
                .and_then(|r| r.get("unsafe_code"))
                .and_then(|v| v.as_str())
                == Some("forbid");
            assert_eq!(
                forbids,
                !exercise.allow_unsafe,
                "{}: unsafe_code must be forbidden unless kata.toml says allow-unsafe",
                path.display()
            );
        }
        let allowances = kata_core::source_policy::Allowances {
            modules: exercise.allow.clone(),
        };
        for file in walkdir::WalkDir::new(root.join("solutions").join(slug).join("src")) {
            let file = file.unwrap();
            if file.path().extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(file.path()).unwrap();
                let findings = kata_core::source_policy::scan(&text, &allowances);
                assert!(
                    findings.is_empty(),
                    "{}: {findings:?}",
                    file.path().display()
                );
            }
        }
    }
}
