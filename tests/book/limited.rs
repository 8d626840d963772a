//! Running a tool (mdbook, Chromium) with a time limit, so that a hung tool
//! fails the test instead of hanging it.
//!
//! The tool runs in a process group of its own (Unix), and the whole group is
//! killed when the tool ends or is stopped: Chromium starts helper processes
//! (zygote, renderer, GPU, network) that must not outlive it.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

/// Runs `command` with stdin closed and both outputs captured, for at most
/// `limit`.
pub fn run(mut command: Command, limit: Duration) -> std::io::Result<Ran> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_process_group(&mut command);
    let started = Instant::now();
    let mut child = command.spawn()?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, timed_out) = wait(&mut child, limit)?;
    // Helpers the tool left behind go too (the leader is reaped, but its
    // group id stays taken while any member lives).
    kill_group(&child);
    Ok(Ran {
        code: status.and_then(|s| s.code()),
        timed_out,
        stdout: collect(stdout),
        stderr: collect(stderr),
        elapsed: started.elapsed(),
    })
}

fn wait(
    child: &mut Child,
    limit: Duration,
) -> std::io::Result<(Option<std::process::ExitStatus>, bool)> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((Some(status), false));
        }
        if Instant::now() >= deadline {
            kill_group(child);
            let _ = child.kill();
            let _ = child.wait();
            return Ok((None, true));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn drain<R: Read + Send + 'static>(stream: Option<R>) -> Option<JoinHandle<String>> {
    let mut stream = stream?;
    Some(std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }))
}

/// Collects a drained stream; its pipe closes once the group is gone, and a
/// stray process holding it open costs at most a few seconds, never a hang.
fn collect(handle: Option<JoinHandle<String>>) -> String {
    let Some(handle) = handle else {
        return String::new();
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !handle.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if handle.is_finished() {
        handle.join().unwrap_or_default()
    } else {
        "(output not collected: a process still held the pipe open)".into()
    }
}

#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut Command) {}

/// Kills the process group `child` leads, by its id (`kill -KILL -<pgid>`).
#[cfg(unix)]
fn kill_group(child: &Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(unix))]
fn kill_group(child: &Child) {
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &child.id().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
