//! The manifest agrees with the folders: every exercise it lists has its
//! stub, original stub, solution, checks and chapter, named after its slug;
//! stubs are stubs and solutions are not; only an exercise that allows
//! `unsafe` lifts the lint, and every reference keeps the source policy;
//! every fixture's header says what it expects; nothing exists that the
//! manifest does not list, and the book lists the chapters in its order.
//!
//! All of that is `kata_core::dev::layout`, the one definition, which
//! `kata dev check` runs too; here it runs on the project's own tree
//! (`KATA_STRICT=1`, as CI sets it, also requires every stub untouched).

mod support;

use kata_core::workbook::Workbook;

#[test]
fn the_manifest_and_the_folders_agree() {
    let workbook = Workbook::open(&support::root()).expect("the manifest is valid");
    let strict = std::env::var_os("KATA_STRICT").is_some();
    let problems = kata_core::dev::layout::problems(&workbook, strict);
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The layout sees what a developer gets wrong: a chapter gone, a folder of
/// no exercise, a fixture that expects nothing, a stub that is not one.
#[test]
fn the_layout_names_each_disagreement() {
    let dir = support::workbook("layout");
    let workbook = Workbook::open(&dir).unwrap();
    std::fs::remove_file(dir.join("book/src/exercises/ex05-lock-ordering.md")).unwrap();
    std::fs::create_dir_all(dir.join("solutions/ex99-stray")).unwrap();
    std::fs::create_dir_all(dir.join("tests/wrong/ex01-spawn-and-join")).unwrap();
    std::fs::write(
        dir.join("tests/wrong/ex01-spawn-and-join/vague.rs"),
        "//! Known wrong: but says not how.\npub fn f() {}\n",
    )
    .unwrap();
    std::fs::write(dir.join("tests/wrong/ex01-spawn-and-join/notes.txt"), "x").unwrap();
    std::fs::write(
        dir.join("exercises/ex13-thread-pool/.stub.rs"),
        "//! no marks\n",
    )
    .unwrap();
    let problems = kata_core::dev::layout::problems(&workbook, false);
    for wanted in [
        "ex05-lock-ordering: has no chapter at book/src/exercises/ex05-lock-ordering.md",
        "solutions/ex99-stray belongs to no exercise of kata.toml",
        "ex01-spawn-and-join: tests/wrong/ex01-spawn-and-join/vague.rs: expects nothing",
        "tests/wrong/ex01-spawn-and-join/notes.txt is no .rs file",
        "ex13-thread-pool: the original stub has no `todo!()`",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(wanted)),
            "no problem says \"{wanted}\":\n{}",
            problems.join("\n")
        );
    }
}
