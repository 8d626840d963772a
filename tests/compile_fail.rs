//! The "this does not compile in Rust" lessons: each file in
//! `tests/compile-fail/` must fail to compile with exactly the error beside
//! it (`.stderr`); each file in `tests/compile-pass/` must compile.
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite`, never by hand.

#[test]
fn the_compiler_rejects_what_would_race() {
    // rustc's wording changes between releases; the .stderr files are
    // rustc 1.95's. On another toolchain the lessons still hold, but the
    // exact text may not, so say so instead of failing.
    let version =
        std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
    if !version.starts_with("rustc 1.95.") {
        eprintln!(
            "skipped: the .stderr files are rustc 1.95's and this is {}",
            version.trim()
        );
        return;
    }
    // Paths from this package (grader/cli) to the workbook's tests/.
    let cases = trybuild::TestCases::new();
    cases.compile_fail(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/compile-fail/*.rs"
    ));
    cases.pass(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/compile-pass/*.rs"
    ));
}
