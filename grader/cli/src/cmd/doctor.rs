//! `kata doctor`: can this machine build the exercises, and can its timing
//! verdicts be trusted right now? Each problem comes with its fix.

use colored::Colorize;
use kata_core::workbook::Workbook;
use std::process::{Command, ExitCode};

/// What rustc says its version is, if it runs.
pub fn rustc_version() -> Option<String> {
    let output = Command::new("rustc").arg("--version").output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    })
}

/// The 1-minute load average (Linux and macOS), if the system tells.
fn load_average() -> Option<f64> {
    if let Ok(text) = std::fs::read_to_string("/proc/loadavg") {
        return text.split_whitespace().next()?.parse().ok();
    }
    let output = Command::new("sysctl").args(["-n", "vm.loadavg"]).output().ok()?;
    String::from_utf8_lossy(&output.stdout).split_whitespace().find_map(|w| w.parse().ok())
}

pub fn run(workbook: &Workbook) -> anyhow::Result<ExitCode> {
    let mut problems = 0;
    let mut line = |ok: Option<bool>, what: &str, said: String| {
        let mark = match ok {
            Some(true) => "✓".green().bold(),
            Some(false) => {
                problems += 1;
                "✗".red().bold()
            }
            None => "!".yellow().bold(),
        };
        println!("  {mark} {what:<10} {said}");
    };

    println!("{}", "kata doctor".bold());
    match version_of("cargo", &["--version"]) {
        Some(v) => line(Some(true), "cargo", v),
        None => line(Some(false), "cargo", "not found: install Rust from https://rustup.rs".into()),
    }
    match rustc_version() {
        Some(v) if v.starts_with("rustc 1.95.") => line(Some(true), "rustc", v),
        Some(v) => line(
            None,
            "rustc",
            format!("{v}: fine for the exercises; the compile-fail lessons' expected messages are rustc 1.95's"),
        ),
        None => line(Some(false), "rustc", "not found: install Rust from https://rustup.rs".into()),
    }
    match version_of("cargo", &["clippy", "--version"]) {
        Some(v) => line(Some(true), "clippy", v),
        None => line(
            Some(false),
            "clippy",
            "not installed: the race exercises are linted with it. `rustup component add clippy`"
                .into(),
        ),
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores >= 2 {
        line(Some(true), "cores", format!("{cores}"));
    } else {
        line(
            None,
            "cores",
            format!("{cores}: exercises about parallel speed-up will say \"inconclusive\" here; everything else is graded as usual"),
        );
    }
    match load_average() {
        Some(load) if load < cores as f64 * 0.75 => line(Some(true), "load", format!("{load:.2} (1-minute average)")),
        Some(load) => line(
            None,
            "load",
            format!("{load:.2} on {cores} cores: the machine is busy; speed-up checks may say \"inconclusive\" until it calms down"),
        ),
        None => line(None, "load", "this system does not report it".into()),
    }
    match version_of("mdbook", &["--version"]) {
        Some(v) => line(Some(true), "mdbook", format!("{v}: `kata book` works")),
        None => line(
            None,
            "mdbook",
            "not installed: only `kata book` needs it. `cargo install mdbook --locked`".into(),
        ),
    }
    let scratch = kata_core::compile::target_dir(workbook).join("kata");
    let writable = std::fs::create_dir_all(&scratch).is_ok()
        && std::fs::write(scratch.join("doctor"), "ok").is_ok();
    if writable {
        line(Some(true), "workbook", format!("{} (writable)", workbook.root().display()));
    } else {
        line(
            Some(false),
            "workbook",
            format!(
                "{} is not writable: kata builds into its target/; work in a copy you own",
                workbook.root().display()
            ),
        );
    }
    let protections = kata_core::sandbox::Protections::probe();
    let missing = protections.missing();
    if missing.is_empty() {
        line(
            Some(true),
            "sandbox",
            format!(
                "checks run confined: writes only to their scratch folder, no programs, no signals to kata, \
                 no new processes, gone with kata (Landlock ABI {})",
                protections.landlock_abi.unwrap_or_default()
            ),
        );
    } else {
        // A warning, not a problem: grading works, with fewer walls.
        line(
            None,
            "sandbox",
            format!(
                "partly: {}. The source policy, the manifest lock and the grader's own list of checks still hold",
                missing.join("; ")
            ),
        );
    }
    println!();
    if problems == 0 {
        println!("All set.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{problems} problem(s) above; each line says how to fix it.");
        Ok(ExitCode::FAILURE)
    }
}
