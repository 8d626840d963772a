//! How things look on a terminal: colour choice, the command a learner should
//! type, and the rendering of a grading report.

use crate::cli::Color;
use colored::Colorize;
use kata_core::compile::Target;
use kata_core::manifest::Exercise;
use kata_core::report::{CheckReport, ExerciseReport, Graded};
use kata_core::Status;
use std::io::IsTerminal;

/// Decides once whether to colour: `--color`, then `NO_COLOR`, then whether
/// stdout is a terminal.
pub fn set_color(choice: Color) {
    let on = match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    colored::control::set_override(on);
    COLOR.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// The decision of [`set_color`], made once at start-up.
static COLOR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn color_on() -> bool {
    COLOR.load(std::sync::atomic::Ordering::Relaxed)
}

/// `path` (relative to the workbook root `root`) as a clickable link on
/// terminals known to support OSC 8 hyperlinks; plain text everywhere else
/// (and always when colour is off, so logs and snapshots stay clean).
pub fn path_link(root: &std::path::Path, path: &std::path::Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path).display().to_string();
    if !color_on() || !hyperlinks_supported() {
        return shown;
    }
    let absolute = root.join(path.strip_prefix(root).unwrap_or(path));
    format!("\x1b]8;;file://{}\x1b\\{shown}\x1b]8;;\x1b\\", absolute.display())
}

fn hyperlinks_supported() -> bool {
    let var = |name| std::env::var(name).unwrap_or_default();
    if var("KATA_HYPERLINKS") == "0" {
        return false;
    }
    let vte = var("VTE_VERSION").parse::<u32>().is_ok_and(|v| v >= 5000);
    let known =
        ["iTerm.app", "WezTerm", "vscode", "ghostty"].contains(&var("TERM_PROGRAM").as_str());
    vte || known
        || !var("WT_SESSION").is_empty()
        || !var("KITTY_WINDOW_ID").is_empty()
        || var("KATA_HYPERLINKS") == "1"
}

/// The command to show for a verb: `cargo kata check ex14` when kata was
/// started through the cargo alias, `kata check ex14` when installed.
pub fn command(verb: &str) -> String {
    let through_cargo = std::env::var_os("CARGO").is_some();
    let text = if through_cargo { format!("cargo kata {verb}") } else { format!("kata {verb}") };
    text.bold().to_string()
}

/// A spinner on stderr, `{spinner} {prefix}{msg}`, when stderr is a
/// terminal; else a bar that shows nothing (a log or a test sees no
/// redraws).
pub fn spinner() -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressStyle};
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix}{msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

pub fn heading(exercise: &Exercise) -> String {
    format!("{} · {}", exercise.id(), exercise.title)
}

/// The whole report of one exercise, ready to print.
pub fn report(exercise: &Exercise, report: &ExerciseReport, edited_file: &str) -> String {
    let whose = match report.target {
        Target::Learner => format!("your code in {edited_file}"),
        Target::Reference => "the reference solution".to_string(),
    };
    let mut out = format!("{} ({whose})\n\n", heading(exercise).bold());
    match &report.result {
        Graded::Refused { reasons } => {
            out.push_str(&format!(
                "{} nothing was built or run, because:\n\n",
                "kata refuses to build this code:".red().bold()
            ));
            for reason in reasons {
                // A file's name is the learner's too.
                let place = plain(&match reason.line {
                    Some(line) => format!("{}:{line}", reason.file.display()),
                    None => reason.file.display().to_string(),
                });
                out.push_str(&format!("  {} {}\n", place.bold(), plain(&reason.message)));
            }
            out.push_str(
                "\nThe grader runs your code inside its checks, so it holds your exercise's folder to what was \
                 shipped and its code to a source policy (the book's \"How the grader judges your code\" \
                 says why).\n",
            );
        }
        Graded::CompileError { diagnostics } => {
            out.push_str(&format!(
                "{} rustc's messages follow, the first error first: fix that one, then check again.\n\n",
                "It does not compile yet.".red().bold()
            ));
            for diagnostic in diagnostics.iter().take(5) {
                out.push_str(&colors_only(diagnostic.rendered.trim_end()));
                out.push_str("\n\n");
            }
            if diagnostics.len() > 5 {
                out.push_str(&format!("... and {} more errors.\n", diagnostics.len() - 5));
            }
        }
        Graded::BuildTimedOut { limit } => {
            out.push_str(&format!(
                "{} the build did not finish in {} s and was stopped: a `const` that takes forever to evaluate?\n",
                "It does not compile yet:".red().bold(),
                limit.as_secs()
            ));
        }
        Graded::GraderError { message } => {
            out.push_str(&format!(
                "{} {}\n",
                "kata could not check this:".red().bold(),
                plain(message)
            ));
        }
        Graded::Checked { checks } => {
            let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
            for check in checks {
                out.push_str(&check_lines(check, width));
            }
            let (passed, failed, inconclusive) = report.counts();
            let mut summary = format!("{passed} passed, {failed} failed");
            if inconclusive > 0 {
                summary.push_str(&format!(", {inconclusive} inconclusive"));
            }
            out.push_str(&format!("\n{summary}\n"));
        }
    }
    out
}

fn check_lines(check: &CheckReport, width: usize) -> String {
    let mark = match check.outcome.status {
        Status::Passed => "✓".green().bold(),
        Status::Failed => "✗".red().bold(),
        Status::Inconclusive => "?".yellow().bold(),
    };
    let mut out =
        format!("  {mark} {:width$}  {}\n", plain(&check.name), plain(&check.about).dimmed());
    let indent = " ".repeat(6);
    for line in plain(&check.outcome.message).lines() {
        let line = match check.outcome.status {
            Status::Failed => line.red().to_string(),
            _ => line.to_string(),
        };
        out.push_str(&format!("{indent}{line}\n"));
    }
    for figure in &check.outcome.figures {
        out.push_str(&format!(
            "{indent}{}: {} (required: {})\n",
            plain(&figure.label),
            plain(&figure.measured).bold(),
            plain(&figure.required)
        ));
    }
    for detail in &check.outcome.details {
        for line in colors_only(detail).lines() {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    out
}

/// `text` for a terminal without anything that could drive it: control
/// characters and escape sequences go (learner code wrote part of every
/// message: a panic, the last lines it printed), newlines and tabs stay.
pub fn plain(text: &str) -> String {
    filter_escapes(text, false)
}

/// [`plain`], but colour sequences (`ESC [ digits ; ... m`) stay when colour
/// is on: rustc's diagnostics and the checks' pictures are coloured on
/// purpose. Only colours and weights: no sequence that hides text (conceal)
/// or blinks.
pub fn colors_only(text: &str) -> String {
    filter_escapes(text, color_on())
}

/// Whether the parameters of an `ESC [ ... m` sequence only set colours
/// (16, 256 or 24-bit: `38;5;n`, `38;2;r;g;b`), weight, italics or
/// underline, or reset them: not conceal (8), blink (5, 6) or anything else.
fn harmless_sgr(params: &str) -> bool {
    let mut params = params.split(';').map(|p| p.parse::<u16>().unwrap_or(0));
    while let Some(n) = params.next() {
        match n {
            0..=4 | 22..=24 | 30..=37 | 39..=47 | 49 | 90..=97 | 100..=107 => {}
            38 | 48 => {
                let taken = match params.next() {
                    Some(5) => 1,
                    Some(2) => 3,
                    _ => return false,
                };
                if params.by_ref().take(taken).any(|v| v > 255) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

fn filter_escapes(text: &str, keep_colors: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            let mut sequence = String::from(c);
            if chars.peek() == Some(&'[') {
                sequence.push(chars.next().unwrap_or('['));
                // A control sequence: parameters, then one final byte.
                while let Some(&next) = chars.peek() {
                    chars.next();
                    sequence.push(next);
                    if ('@'..='~').contains(&next) {
                        break;
                    }
                }
                let colour = sequence.ends_with('m')
                    && sequence[2..sequence.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == ';')
                    && harmless_sgr(&sequence[2..sequence.len() - 1]);
                if keep_colors && colour {
                    out.push_str(&sequence);
                }
            } else if chars.peek() == Some(&']') {
                // An operating-system command (title, hyperlink): up to BEL or ESC \.
                while let Some(next) = chars.next() {
                    if next == '\x07' || (next == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else if !c.is_control() || c == '\n' || c == '\t' {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learner_text_cannot_drive_the_terminal() {
        let hostile = "ok\x1b]0;pwned\x07\x1b[2J\x1b[1;31mred\x1b[0m\x1b]8;;http://x\x1b\\link\rback\x08\ttab\nnext";
        assert_eq!(plain(hostile), "okredlinkback\ttab\nnext");
        assert_eq!(filter_escapes(hostile, true), "ok\x1b[1;31mred\x1b[0mlinkback\ttab\nnext");
        assert_eq!(plain("\x1b[2"), "");
        // Hidden or blinking text is not colour.
        assert_eq!(
            filter_escapes("\x1b[8msecret\x1b[5mblink\x1b[38;5;82mok", true),
            "secretblink\x1b[38;5;82mok"
        );
    }
}
