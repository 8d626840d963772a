//! `kata grade`, a teacher's side: a small class of generated submissions
//! (a folder, a tarball, a git bundle, a whole tampered workbook) graded
//! for real, every cell of the report checked, the CSV and the JUnit files
//! read against it, the HTML page opened in headless Chromium; and the
//! merge of shard reports checked to be exact. Two exercises only (ex01 and
//! ex13) keep it to seconds once the checks' dependencies are built.
//!
//! The grading shares `target/kata-tests/target` with `tests/grading.rs`:
//! its scratch copies have the same layout, so each builds only what the
//! other has not. Chromium is skipped with a message when absent, unless
//! `KATA_REQUIRE_BOOK=1` (CI sets it).

mod support;

#[allow(dead_code)] // the screenshot and the PNG reader are the book's
#[path = "book/browser.rs"]
mod browser;
#[allow(dead_code)] // the book's tests read how long a run took
#[path = "book/limited.rs"]
mod limited;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// For `browser.rs`, which looks Chromium up on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

const EX01: &str = "ex01-spawn-and-join";
const EX13: &str = "ex13-thread-pool";

fn put(dir: &Path, slug: &str, from: &Path) {
    let to = dir.join("exercises").join(slug).join("src/lib.rs");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

fn sh(command: &mut Command) {
    let out = command.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The class, built in `dir`:
/// - `alice/`: the references of ex01 and ex13;
/// - `bob.tar.gz`: the untouched stubs;
/// - `carol.bundle` (git): a known-wrong ex01, no ex13;
/// - `dave/`: a whole workbook with a hostile ex01 (refused), a known-wrong
///   ex13, and tampering outside src/: the root Cargo.toml and ex13's
///   checks changed, README.md gone, a file added;
/// - `eve<script>/`: a name that must not break the page; the stubs.
fn class(dir: &Path) -> Vec<PathBuf> {
    let root = support::root();
    let alice = dir.join("alice");
    put(
        &alice,
        EX01,
        &root.join("solutions").join(EX01).join("src/lib.rs"),
    );
    put(
        &alice,
        EX13,
        &root.join("solutions").join(EX13).join("src/lib.rs"),
    );

    let bob = dir.join("staging/bob");
    for slug in [EX01, EX13] {
        put(
            &bob,
            slug,
            &root.join("exercises").join(slug).join(".stub.rs"),
        );
    }
    sh(Command::new("tar")
        .arg("czf")
        .arg(dir.join("bob.tar.gz"))
        .arg("-C")
        .arg(dir.join("staging"))
        .arg("bob"));

    let carol = dir.join("staging/carol");
    put(
        &carol,
        EX01,
        &root
            .join("tests/wrong")
            .join(EX01)
            .join("completion_order.rs"),
    );
    let git = |args: &[&str]| {
        sh(Command::new("git")
            .arg("-C")
            .arg(&carol)
            .args([
                "-c",
                "user.name=carol",
                "-c",
                "user.email=carol@example.com",
            ])
            .args(args))
    };
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "my ex01"]);
    git(&[
        "bundle",
        "create",
        "--quiet",
        dir.join("carol.bundle").to_str().unwrap(),
        "--all",
    ]);

    let dave = dir.join("dave");
    support::copy_workbook(&dave);
    put(
        &dave,
        EX01,
        &root
            .join("tests/hostile")
            .join(EX01)
            .join("forges_result_file.rs"),
    );
    put(
        &dave,
        EX13,
        &root
            .join("tests/wrong")
            .join(EX13)
            .join("drop_without_join.rs"),
    );
    let checks = dave.join("grader/checks").join(EX13).join("src/main.rs");
    std::fs::write(&checks, "fn main() {} // every check passes, surely\n").unwrap();
    std::fs::write(dave.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    std::fs::remove_file(dave.join("README.md")).unwrap();
    std::fs::write(dave.join("notes.txt"), "mine\n").unwrap();

    let eve = dir.join("eve<script>");
    for slug in [EX01, EX13] {
        put(
            &eve,
            slug,
            &root.join("exercises").join(slug).join(".stub.rs"),
        );
    }
    ["alice", "bob.tar.gz", "carol.bundle", "dave", "eve<script>"]
        .iter()
        .map(|name| dir.join(name))
        .collect()
}

/// The class graded once for every test here: the `--out` folder.
fn graded() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = support::scratch("class");
        let submissions = class(&dir);
        let out = dir.join("out");
        let (code, stdout, stderr) = support::run(
            support::kata(&support::root())
                .arg("grade")
                .args(&submissions)
                .arg("--out")
                .arg(&out)
                .args(["--exercises", "ex01,ex13", "--audit", "--target-dir"])
                .arg(support::root().join("target/kata-tests/target")),
        );
        assert_eq!(code, 0, "kata grade failed:\n{stdout}\n{stderr}");
        assert!(
            stderr.contains("1 at a time") || stderr.contains("at a time"),
            "{stderr}"
        );
        out
    })
}

fn report() -> Value {
    serde_json::from_str(&std::fs::read_to_string(graded().join("report.json")).unwrap()).unwrap()
}

/// A cell as (status, points, first failing check).
type CellView = (String, f64, Option<String>);

/// Every student's name and cells.
fn cells(report: &Value) -> Vec<(String, Vec<CellView>)> {
    report["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let cells = s["exercises"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["status"].as_str().unwrap().to_string(),
                        c["points"].as_f64().unwrap(),
                        c["first_failing_check"].as_str().map(str::to_string),
                    )
                })
                .collect();
            (s["student"].as_str().unwrap().to_string(), cells)
        })
        .collect()
}

#[test]
fn every_cell_of_a_small_class() {
    let report = report();
    assert_eq!(report["kata"], env!("CARGO_PKG_VERSION"));
    let hash = report["grader_hash"].as_str().unwrap();
    assert!(
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{hash}"
    );
    assert!(report["commit"].is_null() || report["commit"].as_str().unwrap().len() == 40);
    assert_eq!(
        report["exercises"],
        json!([
            { "id": "ex01", "slug": EX01, "points": 10 },
            { "id": "ex13", "slug": EX13, "points": 10 },
        ])
    );
    let got = cells(&report);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "carol", "dave", "eve<script>"]);
    let cell = |status: &str, points: f64, check: Option<&str>| {
        (status.to_string(), points, check.map(str::to_string))
    };
    let not_attempted = cell("not-attempted", 0.0, None);
    assert_eq!(
        got[0].1,
        [cell("passed", 10.0, None), cell("passed", 10.0, None)],
        "alice"
    );
    assert_eq!(
        got[1].1,
        [not_attempted.clone(), not_attempted.clone()],
        "bob"
    );
    assert_eq!(
        got[4].1,
        [not_attempted.clone(), not_attempted.clone()],
        "eve"
    );

    // carol: the order is lost, the rest of ex01 right: part of its points.
    let carol = &report["students"][2]["exercises"][0];
    let (passed, all) = (
        carol["checks_passed"].as_u64().unwrap(),
        carol["checks"].as_u64().unwrap(),
    );
    assert!(0 < passed && passed < all, "{carol}");
    let share = (1000.0 * passed as f64 / all as f64).round() / 100.0;
    assert_eq!(
        got[2].1,
        [
            cell("failed", share, Some("order-kept")),
            not_attempted.clone()
        ],
        "carol"
    );
    assert!(
        carol["message"]
            .as_str()
            .unwrap()
            .contains("not in the order threads finish"),
        "{carol}"
    );

    // dave: ex01 refused; ex13 graded by the teacher's checks, not his.
    let dave = &report["students"][3];
    assert_eq!(got[3].1[0], cell("refused", 0.0, None), "dave");
    assert!(
        dave["exercises"][0]["message"]
            .as_str()
            .unwrap()
            .contains("fs"),
        "{dave}"
    );
    // Without the join, the queue is thrown away too: that check comes first.
    let ex13 = &dave["exercises"][1];
    let (passed, all) = (
        ex13["checks_passed"].as_u64().unwrap(),
        ex13["checks"].as_u64().unwrap(),
    );
    assert!(0 < passed && passed < all, "{ex13}");
    let share = (1000.0 * passed as f64 / all as f64).round() / 100.0;
    assert_eq!(
        got[3].1[1],
        cell("failed", share, Some("all-jobs-done-by-drop")),
        "dave"
    );
    assert_eq!(dave["points"], share);
    assert_eq!(
        dave["audit"],
        json!([
            { "path": "Cargo.toml", "change": "changed" },
            { "path": "README.md", "change": "missing" },
            { "path": format!("grader/checks/{EX13}/src/main.rs"), "change": "changed" },
            { "path": "notes.txt", "change": "added" },
        ])
    );
    assert_eq!(
        report["students"][0]["audit"],
        json!([]),
        "alice changed nothing outside src/"
    );
    for (student, total) in [(0, 20.0), (1, 0.0), (4, 0.0)] {
        assert_eq!(report["students"][student]["points"], total);
        assert_eq!(report["students"][student]["max_points"], 20);
    }
}

#[test]
fn the_csv_and_the_junit_files_agree_with_the_json() {
    let report = report();
    let csv = std::fs::read_to_string(graded().join("report.csv")).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "student,points,max_points,ex01,ex13");
    assert_eq!(lines.len(), 6, "{csv}");
    for (line, (student, cells)) in lines[1..].iter().zip(cells(&report)) {
        let row = &report["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student"] == student)
            .unwrap();
        let texts: Vec<String> = cells
            .iter()
            .map(|(status, _, check)| match check {
                Some(check) => format!("{status}: {check}"),
                None => status.clone(),
            })
            .collect();
        let points = row["points"].as_f64().unwrap();
        assert_eq!(
            *line,
            format!("{student},{points},20,{}", texts.join(",")),
            "{csv}"
        );
    }
    let junit = |name: &str| std::fs::read_to_string(graded().join("junit").join(name)).unwrap();
    let alice = junit("alice.xml");
    assert!(
        alice.contains("failures=\"0\"") && alice.contains(&format!("<testsuite name=\"{EX13}\"")),
        "{alice}"
    );
    let carol = junit("carol.xml");
    assert!(
        carol.contains("name=\"order-kept\"") && carol.contains("<failure"),
        "{carol}"
    );
    assert!(
        carol.contains("<skipped message=\"not attempted\"/>"),
        "{carol}"
    );
    let dave = junit("dave.xml");
    assert!(dave.contains("<failure message=\"refused\">"), "{dave}");
    assert!(dave.contains("name=\"workers-joined\""), "{dave}");
    // The name is the file's, made safe.
    assert!(junit("eve_script_.xml").contains("name=\"eve&lt;script&gt;\""));
}

#[test]
fn the_html_report_shows_sorts_and_filters_in_chromium() {
    let page = graded().join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "a student's name opened a script"
    );
    let chromium = match browser::Chromium::find() {
        Ok(chromium) => chromium,
        Err(why) => {
            assert!(
                std::env::var_os("KATA_REQUIRE_BOOK").is_none(),
                "KATA_REQUIRE_BOOK is set, but Chromium is missing: {why}"
            );
            eprintln!("skipped: the HTML report's browser test needs Chromium ({why}); `apt-get install chromium`");
            return;
        }
    };
    let url = |query: &str| format!("file://{}{query}", page.display());
    let rows = |dom: &str| -> Vec<(String, bool)> {
        dom.split("<tr data-student=\"")
            .skip(1)
            .map(|rest| {
                let name = rest.split('"').next().unwrap().to_string();
                let tag = rest.split('>').next().unwrap();
                (name, tag.contains("hidden"))
            })
            .collect()
    };
    let dom = chromium.dump_dom(&url("")).unwrap();
    let all = rows(&dom);
    assert_eq!(all.len(), 5, "{dom}");
    assert!(all.iter().all(|(_, hidden)| !hidden));
    assert!(
        dom.contains("5 of 5 students"),
        "the page's script did not run:\n{dom}"
    );
    for id in ["ex01", "ex13"] {
        assert!(
            dom.contains(&format!("data-key=\"{id}\"")),
            "no column {id}"
        );
    }
    assert!(
        dom.contains("failed: order-kept") && dom.contains("eve&lt;script&gt;"),
        "{dom}"
    );

    let filtered = chromium.dump_dom(&url("?filter=car")).unwrap();
    let shown: Vec<String> = rows(&filtered)
        .into_iter()
        .filter(|(_, h)| !h)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(shown, ["carol"], "?filter=car");
    assert!(filtered.contains("1 of 5 students"));

    let sorted = chromium.dump_dom(&url("?sort=points&order=desc")).unwrap();
    let order: Vec<String> = rows(&sorted).into_iter().map(|(n, _)| n).collect();
    assert_eq!(order[0], "alice", "most points first: {order:?}");
    assert_eq!(order[1], "dave", "{order:?}");
    assert!(sorted.contains("aria-sort=\"descending\""));
}

/// A generated report of `students`, as `kata grade` writes it.
fn generated(students: &[&str], graded_at: &str, hash: &str) -> Value {
    let statuses = [
        "passed",
        "failed",
        "inconclusive",
        "not-attempted",
        "refused",
    ];
    let rows: Vec<Value> = students
        .iter()
        .map(|name| {
            // A row depends on its student only, wherever the shard put it.
            let i = name.bytes().map(usize::from).sum::<usize>();
            let cells: Vec<Value> = ["ex01", "ex13"]
                .iter()
                .enumerate()
                .map(|(j, id)| {
                    let status = statuses[(i + 2 * j) % statuses.len()];
                    json!({ "id": id, "status": status, "points": if status == "passed" { 10.0 } else { 2.5 },
                            "checks_passed": 1, "checks": 4,
                            "first_failing_check": if status == "failed" { json!("order, kept") } else { json!(null) },
                            "message": format!("says \"{name}\"\nover two lines"), "medal": null })
                })
                .collect();
            json!({ "student": name, "points": 12.5, "max_points": 20, "exercises": cells })
        })
        .collect();
    json!({ "kata": "0.1.0", "commit": null, "grader_hash": hash, "graded_at": graded_at,
            "exercises": [ { "id": "ex01", "slug": EX01, "points": 10 }, { "id": "ex13", "slug": EX13, "points": 10 } ],
            "students": rows })
}

#[test]
fn merging_shards_gives_the_report_of_one_run_exactly() {
    let dir = support::scratch("class-merge");
    let write = |name: &str, value: &Value| {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
        path
    };
    let everyone = ["ann", "Zoë, the second", "bo", "=cmd", "cy", "dee"];
    let mut sorted = everyone.to_vec();
    sorted.sort();
    let whole = write(
        "whole.json",
        &generated(&sorted, "2026-12-01T11:00:00Z", "00aa00aa00aa00aa"),
    );
    let first = write(
        "one.json",
        &generated(
            &["cy", "ann", "=cmd"],
            "2026-12-01T10:00:00Z",
            "00aa00aa00aa00aa",
        ),
    );
    let second = write(
        "two.json",
        &generated(
            &["dee", "Zoë, the second", "bo"],
            "2026-12-01T11:00:00Z",
            "00aa00aa00aa00aa",
        ),
    );
    let merge = |inputs: &[&Path], out: &Path| {
        support::run(
            support::kata(&dir)
                .args(["grade", "--merge"])
                .args(inputs)
                .arg("--out")
                .arg(out),
        )
    };
    // The generated rows carry their own numbers, so the merge must move
    // them unchanged: compare with the one-shard "merge" of the whole.
    let (code, _, stderr) = merge(&[&first, &second], &dir.join("merged"));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = merge(&[&whole], &dir.join("single"));
    assert_eq!(code, 0, "{stderr}");
    for file in ["report.json", "report.csv", "report.html"] {
        let merged = std::fs::read_to_string(dir.join("merged").join(file)).unwrap();
        let single = std::fs::read_to_string(dir.join("single").join(file)).unwrap();
        assert_eq!(
            merged, single,
            "{file} of the merged shards differs from one run's"
        );
    }
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("merged/report.json")).unwrap())
            .unwrap();
    let mut expected = generated(&sorted, "2026-12-01T11:00:00Z", "00aa00aa00aa00aa");
    expected["students"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .for_each(|s| {
            s.as_object_mut().unwrap().remove("audit");
        });
    assert_eq!(merged, expected, "the merge changed a row");
    let csv = std::fs::read_to_string(dir.join("merged/report.csv")).unwrap();
    assert!(
        csv.contains("\r\n'=cmd,12.5,20,"),
        "a formula-like name is defused:\n{csv}"
    );
    assert!(csv.contains("\"Zoë, the second\""), "{csv}");
    assert!(csv.contains(",\"failed: order, kept\""), "{csv}");

    let other = write(
        "other.json",
        &generated(&["eli"], "2026-12-01T12:00:00Z", "ffffffffffffffff"),
    );
    let (code, _, stderr) = merge(&[&first, &other], &dir.join("refused"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("another grader") && stderr.contains("ffffffffffffffff"),
        "{stderr}"
    );
    let (code, _, stderr) = merge(&[&first, &first], &dir.join("twice"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("in more than one shard"), "{stderr}");
}

#[test]
fn the_workflows_parse_and_have_the_steps_the_book_relies_on() {
    let root = support::root();
    let read = |name: &str| -> serde_yaml::Value {
        let path = root.join(".github/workflows").join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name} is not YAML: {e}"))
    };
    let runs = |job: &serde_yaml::Value| -> String {
        job["steps"]
            .as_sequence()
            .expect("a job with steps")
            .iter()
            .filter_map(|s| s["run"].as_str().or_else(|| s["uses"].as_str()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let student = read("kata-student.yml");
    assert!(
        student["on"]["push"].is_mapping() || student["on"]["push"].is_null(),
        "runs on push"
    );
    let grade = &student["jobs"]["grade"];
    let steps = runs(grade);
    for needed in [
        "actions/checkout",
        "kata grade",
        "--out report",
        "actions/upload-artifact",
        "points",
    ] {
        assert!(
            steps.contains(needed),
            "kata-student.yml's grade job has no `{needed}`:\n{steps}"
        );
    }
    let class = read("kata-class.yml");
    let shards = &class["jobs"]["shard"];
    assert!(
        shards["strategy"]["matrix"]["shard"].is_sequence(),
        "a matrix of shards"
    );
    let steps = runs(shards);
    assert!(
        steps.contains("kata grade") && steps.contains("actions/upload-artifact"),
        "{steps}"
    );
    let merge = &class["jobs"]["merge"];
    assert_eq!(
        merge["needs"]
            .as_str()
            .or_else(|| merge["needs"][0].as_str()),
        Some("shard")
    );
    let steps = runs(merge);
    assert!(
        steps.contains("actions/download-artifact") && steps.contains("kata grade --merge"),
        "{steps}"
    );
}
