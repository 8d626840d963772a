//! `kata watch`: check the current exercise on every save.
//!
//! Every source of events (the system's file events, a polling fallback,
//! lines typed by the learner) sends into one channel of [`WatchEvent`],
//! consumed by one `match`. Saves arrive in bursts (editors write, rename,
//! touch), so changes are debounced: a check starts once the file has been
//! quiet for [`DEBOUNCE`].

use crate::render::{self, command};
use anyhow::Context;
use colored::Colorize;
use kata_core::manifest::Exercise;
use kata_core::workbook::Workbook;
use notify::Watcher;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime};

const DEBOUNCE: Duration = Duration::from_millis(200);
const POLL_EVERY: Duration = Duration::from_millis(500);
/// With system events on, a slow poll still runs; if it sees a change that
/// no event announced within this long, events are not arriving here.
const EVENTS_GRACE: Duration = Duration::from_secs(3);

enum WatchEvent {
    /// The system said the file changed.
    FileEvent,
    /// The learner typed a line.
    Key(String),
    /// Standard input closed: no keys will come.
    InputClosed,
}

pub fn run(workbook: &Workbook, start: Option<&str>, poll: bool) -> anyhow::Result<ExitCode> {
    let progress = super::progress(workbook)?;
    let mut exercise = match start {
        Some(given) => workbook.manifest.find(given)?.clone(),
        None => match workbook.next_exercise(&|e| progress.has_passed(&e.slug)) {
            Some(e) => e.clone(),
            None => {
                println!("{} every exercise has passed; nothing to watch.", "Done!".green().bold());
                return Ok(ExitCode::SUCCESS);
            }
        },
    };
    let (tx, rx) = mpsc::channel();
    spawn_keys(tx.clone())?;
    let mut file = workbook.exercise_file(&exercise);
    let mut watcher = if poll { None } else { Some(system_events(&file, tx.clone())?) };
    let mut last_seen = stamp(&file);
    let mut announced_at: Option<Instant> = None;

    check(workbook, &exercise, &file, poll);
    // A pass here is not moved past: the learner asked for this exercise.
    loop {
        let event = match rx.recv_timeout(if poll || watcher.is_some() {
            POLL_EVERY
        } else {
            EVENTS_GRACE
        }) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(ExitCode::SUCCESS),
        };
        let mut changed = false;
        match event {
            Some(WatchEvent::FileEvent) => {
                announced_at = Some(Instant::now());
                changed = true;
            }
            Some(WatchEvent::Key(key)) => match key.trim() {
                "q" | "quit" => return Ok(ExitCode::SUCCESS),
                "h" | "hint" => {
                    super::hint::run(workbook, &exercise.id(), None)?;
                }
                "l" | "list" => {
                    super::list::run(workbook)?;
                }
                "c" | "" => changed = true,
                other => println!(
                    "`{other}`? Type h for a hint, l for the list, c to check again, q to quit."
                ),
            },
            Some(WatchEvent::InputClosed) => {}
            None => {
                // The poll: in --poll mode the only source; otherwise a
                // second opinion that notices missing system events.
                let now = stamp(&file);
                if now != last_seen {
                    let announced = announced_at.is_some_and(|at| at.elapsed() < EVENTS_GRACE);
                    if !poll && !announced {
                        println!(
                            "{} this file system does not seem to send change events (a network mount, WSL?). \
                             Watching by polling from now on; start with {} next time.",
                            "Note:".yellow().bold(),
                            command("watch --poll")
                        );
                        watcher = None;
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            continue;
        }
        // Debounce: wait until the file has been quiet for a moment, taking
        // the events of the same save with it.
        let quiet_since = Instant::now();
        while quiet_since.elapsed() < DEBOUNCE {
            if let Ok(WatchEvent::Key(key)) = rx.recv_timeout(DEBOUNCE) {
                if key.trim() == "q" {
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
        last_seen = stamp(&file);
        let polling = poll || watcher.is_none();
        if check(workbook, &exercise, &file, polling) {
            let progress = super::progress(workbook)?;
            match workbook.next_exercise(&|e| progress.has_passed(&e.slug)) {
                Some(next) => {
                    println!(
                        "\n{} Now watching {}.\n",
                        "Moving on.".green().bold(),
                        render::heading(next).bold()
                    );
                    exercise = next.clone();
                    file = workbook.exercise_file(&exercise);
                    if !polling {
                        watcher = Some(system_events(&file, tx.clone())?);
                    }
                    last_seen = stamp(&file);
                    super::next::run(workbook)?;
                    watching(workbook, &file, polling);
                }
                None => {
                    println!("{} every exercise has passed.", "Done!".green().bold());
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
}

/// Runs one check on a cleared screen, so that each verdict replaces the
/// last one (on a terminal; a log keeps them all); `true` when it passed.
fn check(workbook: &Workbook, exercise: &Exercise, file: &Path, polling: bool) -> bool {
    if std::io::stdout().is_terminal() {
        // Home, clear the screen, clear the scrollback.
        print!("\x1b[H\x1b[2J\x1b[3J");
    }
    let passed = match super::check::check_one(workbook, exercise, &super::check::How::learner()) {
        Ok(report) => report.passed(),
        Err(error) => {
            eprintln!("kata: error: {error:#}");
            false
        }
    };
    if !passed {
        watching(workbook, file, polling);
    }
    passed
}

fn watching(workbook: &Workbook, file: &Path, polling: bool) {
    println!(
        "\n{} {} for changes{} · h hint · l list · c check · q quit (then Enter)",
        "Watching".bold(),
        workbook.relative(file).display(),
        if polling { " (polling)" } else { "" }
    );
}

/// The size and modification time of `file`, to notice a change by polling.
fn stamp(file: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(file).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// Watches the folder of `file` (editors often replace a file rather than
/// write it, which a watch on the file itself would lose).
fn system_events(
    file: &Path,
    tx: Sender<WatchEvent>,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let wanted: PathBuf = file.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let relevant = event.kind.is_modify() || event.kind.is_create();
            if relevant && event.paths.iter().any(|p| p == &wanted) {
                let _ = tx.send(WatchEvent::FileEvent);
            }
        }
    })
    .context("could not start watching files; try `kata watch --poll`")?;
    let folder = file.parent().unwrap_or(file);
    watcher.watch(folder, notify::RecursiveMode::NonRecursive).with_context(|| {
        format!("could not watch {}; try `kata watch --poll`", folder.display())
    })?;
    Ok(watcher)
}

/// Lines typed by the learner, as events.
fn spawn_keys(tx: Sender<WatchEvent>) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("kata-keys".into())
        .spawn(move || {
            let mut line = String::new();
            loop {
                line.clear();
                match std::io::stdin().read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        let _ = tx.send(WatchEvent::InputClosed);
                        return;
                    }
                    Ok(_) => {
                        if tx.send(WatchEvent::Key(line.clone())).is_err() {
                            return;
                        }
                    }
                }
            }
        })
        .context("could not start the thread that reads keys")?;
    Ok(())
}
