//! Running a tool (mdbook, Chromium) with a time limit, so that a hung tool
//! fails the test instead of hanging it: the grader's own runner
//! (`kata_core::child`), which starts the tool in a process group of its
//! own and kills the whole group when the tool ends or is stopped (Chromium
//! starts helper processes that must not outlive it). The runner keeps only
//! the first 16 KiB of each stream; these tests read whole outputs (a
//! page's DOM), so they collect the lines as they arrive.

use kata_core::child::{self, Deadline, Exit};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a limited run ended.
pub struct Ran {
    /// The exit code; `None` if a signal ended it or it timed out.
    pub code: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Ran {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The last `n` lines of stderr, for a failure message.
    pub fn stderr_tail(&self, n: usize) -> String {
        let lines: Vec<&str> = self.stderr.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

/// Runs `command` with stdin closed and both outputs captured whole, for at
/// most `limit`.
pub fn run(command: Command, limit: Duration) -> std::io::Result<Ran> {
    let (stdout, stderr) = (Lines::default(), Lines::default());
    let finished = child::run_watched(
        command,
        &Deadline::after(limit),
        stdout.collector(),
        stderr.collector(),
    )?;
    Ok(Ran {
        code: match finished.exit {
            Exit::Code(code) => Some(code),
            Exit::Signal(_) | Exit::TimedOut => None,
        },
        timed_out: finished.exit == Exit::TimedOut,
        stdout: stdout.text(),
        stderr: stderr.text(),
        elapsed: finished.elapsed,
    })
}

/// The lines of one stream, gathered by the runner's callback.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<String>>);

impl Lines {
    fn collector(&self) -> impl FnMut(&str) + Send + 'static {
        let text = Arc::clone(&self.0);
        move |line| {
            let mut text = text.lock().unwrap_or_else(|e| e.into_inner());
            text.push_str(line);
            text.push('\n');
        }
    }

    fn text(&self) -> String {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
