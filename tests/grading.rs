//! The grader against known code: every reference solution passes, every
//! untouched stub fails without hanging, and every known-wrong solution in
//! `tests/wrong/` fails the way its header says, with the teaching message
//! (that is `kata dev check`); and the learner's screens, the trust
//! boundary around the learner's folder, a kill mid-build, a replay.
//!
//! These build real exercises and run real checks, so they are slow-ish and
//! run one at a time: on a 2-core machine two timing checks at once would
//! measure each other.

mod support;

use serde_json::Value;
use std::path::Path;
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `KATA_TEST_ONLY=ex03,ex24` narrows the fixtures to those exercises while
/// one is being worked on; CI sets nothing and runs them all.
fn only() -> Vec<String> {
    let workbook = kata_core::workbook::Workbook::open(&support::root()).unwrap();
    let wanted = std::env::var("KATA_TEST_ONLY").unwrap_or_default();
    workbook
        .manifest
        .exercises
        .iter()
        .filter(|e| {
            wanted.is_empty()
                || wanted
                    .split(',')
                    .any(|id| !id.trim().is_empty() && e.slug.starts_with(id.trim()))
        })
        .map(|e| e.slug.clone())
        .collect()
}

/// Every reference solution passes, every untouched stub fails, and every
/// known-wrong, known-right and hostile file gets the verdict its header
/// says: `kata dev check`, the one definition of a right workbook (in
/// `kata_core::dev`), run as a developer runs it. Each file is graded as a
/// learner's code in a scratch copy of the workbook, through the source
/// policy, the manifest check and the sandbox; the copy must come out as it
/// went in but for the learner's folder, and no process may be left. A
/// secret planted in kata's environment must reach no output, and a
/// `RUSTC_WRAPPER` must not change what is compiled.
#[test]
fn every_fixture_gets_its_verdict() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let root = support::root();
    // The target dir the other tests' scratch copies build in: only the
    // learner's crate differs between them, and each is written anew.
    let target = root.join("target/kata-tests/target");
    let secret = format!("kata-secret-{}", std::process::id());
    let mut command = support::kata(&root);
    command
        .env("CARGO_TARGET_DIR", &target)
        .env("GITHUB_TOKEN", &secret)
        // Would change what the learner's crate is compiled with, were it
        // inherited.
        .env("RUSTC_WRAPPER", "/nonexistent/wrapper")
        .args(["dev", "check", "--format", "json", "--target-dir"])
        .arg(&target)
        // Two exercises at once (the second in `target-2`): on two cores
        // the builds of one overlap the checks of the other, and every
        // verdict must hold on a busy machine anyway.
        .args(["--jobs", "2"])
        .args(only());
    let (code, stdout, stderr) = support::run(&mut command);
    assert!(
        !stdout.contains(&secret) && !stderr.contains(&secret),
        "a value of kata's environment reached kata's output"
    );
    let document: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("kata dev check printed no JSON ({e}); exit {code}\n{stdout}\n{stderr}")
    });
    let problems: Vec<&str> = document["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    eprintln!(
        "kata dev check: {} fixture(s) in {:.1} s",
        document["fixtures"],
        document["seconds"].as_f64().unwrap_or_default()
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
    assert_eq!(code, 0, "{stderr}");
}

/// The verdict screens a learner sees, as snapshots: durations, paths and
/// timings filtered; no colour (not a terminal).
#[test]
fn verdict_screens_read_well() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let root = support::root();
    let dir = support::root().join("target/kata-tests/screens");
    support::copy_workbook(&dir);
    let target = support::root().join("target/kata-tests/target");
    let slug = "ex01-spawn-and-join";
    let screen = |file: &Path, args: &[&str]| {
        std::fs::copy(file, dir.join("exercises").join(slug).join("src/lib.rs")).unwrap();
        let mut command = support::kata(&dir);
        command.env("CARGO_TARGET_DIR", &target).args(args);
        let (code, stdout, stderr) = support::run(&mut command);
        let stderr: String = stderr
            .lines()
            .filter(|l| !l.contains("dependencies"))
            .collect::<Vec<_>>()
            .join("\n");
        format!("$ kata {}\n[exit {code}]\n{stdout}{stderr}", args.join(" "))
    };
    let stub = root.join("exercises").join(slug).join(".stub.rs");
    let solution = root.join("solutions").join(slug).join("src/lib.rs");
    let hostile = root.join("tests/hostile").join(slug);
    insta::with_settings!({
        filters => vec![
            (r"\(\d+\.\d s\)", "([TIME])"),
            (r#"time="\d+\.\d+""#, r#"time="[TIME]""#),
            (r"\d+(\.\d+)? (ms|s)\b", "[DURATION]"),
        ],
        prepend_module_to_snapshot => false,
        snapshot_path => support::root().join("tests/snapshots"),
    }, {
        insta::assert_snapshot!("check_stub", screen(&stub, &["check", "1"]));
        insta::assert_snapshot!("check_compile_error", screen(&hostile.join("type_error.rs"), &["check", "1"]));
        insta::assert_snapshot!("check_wrong", screen(&root.join("tests/wrong").join(slug).join("join_each_at_once.rs"), &["check", "1"]));
        insta::assert_snapshot!("check_passed", screen(&solution, &["check", "1"]));
        insta::assert_snapshot!("check_junit", screen(&solution, &["check", "1", "--format", "junit"]));
    });
    // The list after a pass (its whole screen is a snapshot of tests/cli.rs,
    // on a small workbook: here every exercise is listed).
    let list = screen(&solution, &["list"]);
    let exercises = kata_core::workbook::Workbook::open(&dir)
        .unwrap()
        .manifest
        .exercises
        .len();
    assert!(
        list.lines()
            .any(|l| l.starts_with("  ex01  Spawn and join") && l.ends_with("passed"))
            && list.contains(&format!("\n1 of {exercises} passed.")),
        "{list}"
    );
}

/// Each check of the learner's code that reaches a verdict counts one
/// attempt; the JSON says how many, and how far up the hint ladder the
/// learner has climbed.
#[test]
fn json_counts_attempts_and_hints_seen() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = support::root().join("target/kata-tests/attempts");
    support::copy_workbook(&dir);
    let (code, _, stderr) = support::run(support::kata(&dir).args(["hint", "1", "--level", "2"]));
    assert_eq!(code, 0, "{stderr}");
    let check = || {
        let mut command = support::kata(&dir);
        command
            .env(
                "CARGO_TARGET_DIR",
                support::root().join("target/kata-tests/target"),
            )
            .args(["check", "1", "--format", "json"]);
        let (code, stdout, stderr) = support::run(&mut command);
        let document: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("no JSON ({e}); exit {code}\n{stdout}\n{stderr}"));
        let exercise = document["exercises"][0].clone();
        (
            code,
            exercise["attempts"].clone(),
            exercise["hints_seen"].clone(),
        )
    };
    assert_eq!(
        check(),
        (1, Value::from(1), Value::from(2)),
        "the first check of the stub"
    );
    assert_eq!(check(), (1, Value::from(2), Value::from(2)), "the second");
    let progress = std::fs::read_to_string(dir.join(".kata-progress")).unwrap();
    assert!(
        progress.contains("\nattempts spawn-and-join 2\n") && !progress.contains("passed"),
        "{progress}"
    );
}

/// `kata watch` checks at once, takes keys from stdin, and quits on `q`.
#[test]
fn watch_checks_at_once_and_quits_on_q() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = support::root().join("target/kata-tests/watch");
    support::copy_workbook(&dir);
    let mut child = support::kata(&dir)
        .env(
            "CARGO_TARGET_DIR",
            support::root().join("target/kata-tests/target"),
        )
        .args(["watch", "1", "--poll"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("kata watch starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"h\nq\n").unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("still a stub"),
        "the first check ran: {stdout}"
    );
    assert!(
        stdout.contains("Watching exercises/ex01-spawn-and-join/src/lib.rs for changes (polling)"),
        "{stdout}"
    );
    assert!(stdout.contains("Hint 1 of 3"), "h showed a hint: {stdout}");
}

/// The learner's folder is held to what was shipped: each plant below is
/// refused before anything is built (exit 2, a reason that says what to put
/// back), and a compile error too long to quote is still a compile error.
#[test]
fn the_learners_folder_is_held_to_what_was_shipped() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = support::root().join("target/kata-tests/trust");
    support::copy_workbook(&dir);
    let slug = "ex01-spawn-and-join";
    let exercise = dir.join("exercises").join(slug);
    let lock = std::fs::read(dir.join("Cargo.lock")).unwrap();
    let marker = dir.join("build-script-ran");
    let check = || {
        let mut command = support::kata(&dir);
        command
            .env(
                "CARGO_TARGET_DIR",
                support::root().join("target/kata-tests/target"),
            )
            .args(["check", slug, "--format", "json"]);
        let (code, stdout, stderr) = support::run(&mut command);
        let document: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("no JSON ({e}); exit {code}\n{stdout}\n{stderr}"));
        (code, document["exercises"][0]["result"].clone())
    };
    let refused_for = |what: &str, wanted: &str| {
        let (code, result) = check();
        let said = result["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["message"].as_str().unwrap_or_default().contains(wanted));
        assert!(
            code == 2 && result["kind"] == "refused" && said,
            "{what}: expected a refusal saying \"{wanted}\", got exit {code}: {result:#}"
        );
    };

    let build_rs = format!(
        "fn main() {{ std::fs::write({:?}, \"ran\").unwrap(); }}\n",
        marker.display().to_string()
    );
    std::fs::write(exercise.join("build.rs"), build_rs).unwrap();
    refused_for("a build script", "a build script runs code");
    assert!(!marker.exists(), "the build script ran");
    std::fs::remove_file(exercise.join("build.rs")).unwrap();

    let manifest = std::fs::read_to_string(exercise.join("Cargo.toml")).unwrap();
    std::fs::write(
        exercise.join("Cargo.toml"),
        manifest.replace(
            "[dependencies]\n",
            "[dependencies]\nreference = { package = \"ex01-spawn-and-join-solution\", path = \"../../solutions/ex01-spawn-and-join\" }\n",
        ),
    )
    .unwrap();
    refused_for("a new dependency", "dependencies.reference");
    std::fs::write(
        exercise.join("Cargo.toml"),
        manifest.replace("unsafe_code = \"forbid\"", "unsafe_code = \"allow\""),
    )
    .unwrap();
    refused_for("a lifted lint", "lints.rust");
    // Comments and layout are the learner's: only what cargo reads counts.
    std::fs::write(
        exercise.join("Cargo.toml"),
        format!("# my notes\n{}", manifest.replace(" = ", "   =   ")),
    )
    .unwrap();
    let (code, result) = check();
    assert_eq!(
        (code, result["kind"].as_str()),
        (1, Some("checked")),
        "{result:#}"
    );
    std::fs::write(exercise.join("Cargo.toml"), &manifest).unwrap();

    std::fs::create_dir_all(exercise.join(".cargo")).unwrap();
    std::fs::write(
        exercise.join(".cargo/config.toml"),
        "[build]\nrustflags = [\"--cfg\", \"x\"]\n",
    )
    .unwrap();
    refused_for("a cargo configuration", "cargo configuration");
    std::fs::remove_dir_all(exercise.join(".cargo")).unwrap();

    std::fs::write(
        exercise.join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"nightly\"\n",
    )
    .unwrap();
    refused_for("a toolchain file", "toolchain file");
    std::fs::remove_file(exercise.join("rust-toolchain.toml")).unwrap();

    let stray = dir.join("exercises/ex99-mine");
    std::fs::create_dir_all(stray.join("src")).unwrap();
    std::fs::write(
        stray.join("Cargo.toml"),
        "[package]\nname = \"ex99-mine\"\nversion = \"0.1.0\"\nbuild = \"build.rs\"\n",
    )
    .unwrap();
    refused_for(
        "a folder the manifest does not list",
        "is not an exercise of kata.toml",
    );
    std::fs::remove_dir_all(&stray).unwrap();

    #[cfg(unix)]
    {
        let lib = exercise.join("src/lib.rs");
        let stub = std::fs::read(&lib).unwrap();
        std::fs::remove_file(&lib).unwrap();
        std::os::unix::fs::symlink(dir.join("solutions").join(slug).join("src/lib.rs"), &lib)
            .unwrap();
        refused_for("a symbolic link to the reference", "symbolic link");
        std::fs::remove_file(&lib).unwrap();
        std::fs::write(&lib, stub).unwrap();
    }

    // A file name is the learner's text too: no escape sequence of it may
    // reach the screen (this output is not a terminal, so none at all).
    let named = exercise.join("src/\x1b]0;pwned\x07\x1b[2J.rs");
    std::fs::write(&named, "pub fn f() { let _ = std::fs::read(\"x\"); }\n").unwrap();
    let (code, stdout, _) = support::run(
        support::kata(&dir)
            .env(
                "CARGO_TARGET_DIR",
                support::root().join("target/kata-tests/target"),
            )
            .args(["check", slug]),
    );
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("uses `std::fs`") && !stdout.contains('\x1b'),
        "{stdout:?}"
    );
    std::fs::remove_file(&named).unwrap();

    // An error too long to quote, raised while the checks crate is built
    // (a constant of a generic type fails once it is instantiated there).
    let lib = exercise.join("src/lib.rs");
    let stub = std::fs::read(&lib).unwrap();
    std::fs::write(
        &lib,
        format!(
            "struct Boom<T>(T);\nimpl<T> Boom<T> {{ const X: () = panic!(\"{}\"); }}\n\
             pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, _n: usize) -> Vec<R>\n\
             where T: Send, R: Send, F: Fn(T) -> R + Sync {{ let () = Boom::<T>::X; items.into_iter().map(f).collect() }}\n",
            "A".repeat(700 << 10)
        ),
    )
    .unwrap();
    let (code, result) = check();
    assert_eq!(
        (code, result["kind"].as_str()),
        (1, Some("compile-error")),
        "{result:#}"
    );
    std::fs::write(&lib, &stub).unwrap();

    // A type error whose line is a mebibyte long: a compile error, exit 1.
    std::fs::write(
        &lib,
        format!("pub fn long() -> u32 {{ \"{}\" }}\n", "a".repeat(1 << 20)),
    )
    .unwrap();
    let (code, result) = check();
    assert_eq!(
        (code, result["kind"].as_str()),
        (1, Some("compile-error")),
        "{result:#}"
    );
    std::fs::write(&lib, stub).unwrap();

    assert_eq!(
        std::fs::read(dir.join("Cargo.lock")).unwrap(),
        lock,
        "Cargo.lock was rewritten"
    );
}

/// `kata prebuild` (what `kata next` starts in the background on a
/// terminal) builds the reference's and the learner's checks and caches the
/// list, running nothing; off a terminal, `kata next` starts no such work.
#[test]
fn prebuild_builds_ahead_and_only_on_a_terminal() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = support::root().join("target/kata-tests/prebuild");
    support::copy_workbook(&dir);
    let target = dir.join("target-of-its-own");
    let (code, _, stderr) = support::run(
        support::kata(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .args(["next"]),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !target.join("kata/prebuild.lock").exists() && !target.join("kata/prebuild.log").exists(),
        "kata next started background work off a terminal"
    );
    let lists = support::root().join("target/kata-tests/target/kata/lists");
    let cached = lists.join("ex01-spawn-and-join-plain.json");
    let _ = std::fs::remove_file(&cached);
    let (code, stdout, stderr) = support::run(
        support::kata(&dir)
            .env(
                "CARGO_TARGET_DIR",
                support::root().join("target/kata-tests/target"),
            )
            .args(["prebuild", "ex01"]),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("prebuilt ex01"), "{stdout}");
    let list = std::fs::read_to_string(&cached).expect("the list of checks is cached");
    assert!(list.contains("order-kept"), "{list}");
}

/// Ctrl-C or a kill of kata in the middle of a build takes the build along:
/// cargo dies with kata, and each rustc with its cargo, even one evaluating
/// a constant that never ends.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_kata_leaves_no_build_running() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = support::root().join("target/kata-tests/killed");
    support::copy_workbook(&dir);
    let slug = "ex01-spawn-and-join";
    std::fs::copy(
        support::root()
            .join("tests/hostile")
            .join(slug)
            .join("endless_const_eval.rs"),
        dir.join("exercises").join(slug).join("src/lib.rs"),
    )
    .unwrap();
    let mut kata = support::kata(&dir)
        .env(
            "CARGO_TARGET_DIR",
            support::root().join("target/kata-tests/target"),
        )
        .args(["check", slug])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Every descendant of kata, with its command name.
    let descendants = |root: u32| -> Vec<(u32, String)> {
        let stats: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let stat = std::fs::read_to_string(e.ok()?.path().join("stat")).ok()?;
                let (pid, rest) = stat.split_once(" (")?;
                let (name, rest) = rest.rsplit_once(") ")?;
                let ppid = rest.split(' ').nth(1)?.parse().ok()?;
                Some((pid.parse().ok()?, ppid, name.to_string()))
            })
            .collect();
        let mut found: Vec<(u32, String)> = Vec::new();
        let mut parents = vec![root];
        while let Some(parent) = parents.pop() {
            for (pid, ppid, name) in &stats {
                if *ppid == parent && found.iter().all(|(p, _)| p != pid) {
                    found.push((*pid, name.clone()));
                    parents.push(*pid);
                }
            }
        }
        found
    };
    // Until rustc works on the learner's crate (and will never finish).
    let on_learner = |pid: &u32| {
        std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
            String::from_utf8_lossy(&c).contains("exercises/ex01-spawn-and-join/src/lib.rs")
        })
    };
    let started = std::time::Instant::now();
    let build = loop {
        let build = descendants(kata.id());
        if build
            .iter()
            .any(|(pid, name)| name == "rustc" && on_learner(pid))
        {
            break build;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(300),
            "rustc never started: {build:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let alive = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z'))
        })
    };
    kata.kill().unwrap();
    kata.wait().unwrap();
    let killed = std::time::Instant::now();
    let running = || -> Vec<(u32, String)> {
        build
            .iter()
            .filter(|(pid, _)| alive(*pid))
            .cloned()
            .collect()
    };
    while !running().is_empty() && killed.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        running(),
        Vec::new(),
        "still running 10 s after kata was killed"
    );
}

/// `--replay` runs one schedule of one model build and is no verdict on the
/// exercise: even a passing replay records neither a pass nor an attempt,
/// and the screen says what it was.
#[test]
fn a_replay_records_nothing() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let root = support::root();
    let dir = root.join("target/kata-tests/replay");
    support::copy_workbook(&dir);
    let slug = "ex04-check-then-act-cache";
    std::fs::copy(
        root.join("solutions").join(slug).join("src/lib.rs"),
        dir.join("exercises").join(slug).join("src/lib.rs"),
    )
    .unwrap();
    let check = |args: &[&str]| {
        let mut command = support::kata(&dir);
        command
            .env("CARGO_TARGET_DIR", root.join("target/kata-tests/target"))
            .args(["check", "ex04", "--replay", "random-3"])
            .args(args);
        support::run(&mut command)
    };
    let (code, stdout, stderr) = check(&["--format", "json"]);
    let document: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}); exit {code}\n{stdout}\n{stderr}"));
    let exercise = &document["exercises"][0];
    assert_eq!(code, 0, "{exercise:#}");
    assert_eq!(exercise["partial"], true, "{exercise:#}");
    let names: Vec<&str> = exercise["result"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.is_empty()
            && names
                .iter()
                .all(|n| n.starts_with("model-") || n.starts_with("lint-")),
        "a replay runs the model build's checks alone: {names:?}"
    );
    let (code, stdout, _) = check(&[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("Schedule random-3 passes.") && stdout.contains("records nothing"),
        "{stdout}"
    );
    let progress = std::fs::read_to_string(dir.join(".kata-progress")).unwrap_or_default();
    assert!(
        !progress.contains("passed") && !progress.contains("attempts"),
        "a replay recorded something: {progress}"
    );
}
