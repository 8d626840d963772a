//! Running untrusted code: a child process with a time limit, in a process
//! group of its own, with a bounded share of its output kept.
//!
//! Learner code may deadlock, spin, abort, or print forever. None of that may
//! hang the grader or fill its memory: the child is waited for on a helper
//! thread while the caller waits at most the limit, its output is drained to
//! the end but only the first bytes kept, and when it ends (or is stopped) its
//! whole process group is killed, so threads and processes it started go too.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How much of each output stream is kept.
pub const KEPT_OUTPUT: usize = 16 * 1024;

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It returned this exit code.
    Code(i32),
    /// A signal ended it (Unix only): 6 is SIGABRT, 9 SIGKILL, 11 SIGSEGV.
    Signal(i32),
    /// It was still running at the time limit and was killed.
    TimedOut,
}

/// What a stream printed: the first [`KEPT_OUTPUT`] bytes and the total size.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub kept: Vec<u8>,
    pub total: usize,
}

impl Output {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.kept).into_owned()
    }

    pub fn truncated(&self) -> bool {
        self.total > self.kept.len()
    }
}

#[derive(Debug)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Output,
    pub stderr: Output,
    pub elapsed: Duration,
}

/// Runs `command` to its end or for at most `limit`, with stdin closed and
/// both output streams captured. `on_stdout_line` sees each line of stdout as
/// it arrives (cargo's JSON messages are read this way); pass `|_| {}` if
/// not needed.
pub fn run(
    command: Command,
    limit: Duration,
    on_stdout_line: impl FnMut(&str) + Send + 'static,
) -> std::io::Result<Finished> {
    run_watched(command, &Deadline::after(limit), on_stdout_line, |_| {})
}

/// A time limit that can be brought forward while the child runs: the
/// output callbacks of [`run_watched`] hold a clone and may call
/// [`Deadline::tighten`] when they see the child start a step that has a
/// shorter limit of its own.
#[derive(Debug, Clone)]
pub struct Deadline {
    start: Instant,
    /// Milliseconds after `start`.
    at: Arc<AtomicU64>,
    /// The first limit, which nothing extends.
    cap: u64,
}

impl Deadline {
    pub fn after(limit: Duration) -> Deadline {
        Deadline {
            start: Instant::now(),
            at: Arc::new(AtomicU64::new(millis(limit))),
            cap: millis(limit),
        }
    }

    /// Ends the run `limit` from now, earlier or later than before, but
    /// never past the first limit.
    pub fn set_from_now(&self, limit: Duration) {
        let at = millis(self.start.elapsed() + limit).min(self.cap);
        self.at.store(at, Ordering::Relaxed);
    }

    /// Ends the run at most `limit` from now (never later than before).
    pub fn tighten(&self, limit: Duration) {
        let at = millis(self.start.elapsed() + limit);
        // Ordering: a lone value polled by the waiting thread; Relaxed
        // suffices, the poll re-reads it every few milliseconds.
        self.at.fetch_min(at, Ordering::Relaxed);
    }

    fn remaining(&self) -> Duration {
        let at = Duration::from_millis(self.at.load(Ordering::Relaxed));
        at.saturating_sub(self.start.elapsed())
    }

    /// The limit as it now stands, from the start.
    pub fn limit(&self) -> Duration {
        Duration::from_millis(self.at.load(Ordering::Relaxed))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// [`run`], with a deadline that can move and a callback for stderr lines.
pub fn run_watched(
    mut command: Command,
    deadline: &Deadline,
    on_stdout_line: impl FnMut(&str) + Send + 'static,
    on_stderr_line: impl FnMut(&str) + Send + 'static,
) -> std::io::Result<Finished> {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    own_process_group(&mut command);
    let started = Instant::now();
    let mut child = command.spawn()?;
    let pid = child.id();
    let stdout = child.stdout.take().map(|s| drain(s, on_stdout_line));
    let stderr = child.stderr.take().map(|s| drain(s, on_stderr_line));

    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::Builder::new().name("kata-wait".into()).spawn(move || {
        let status = child.wait();
        let _ = tx.send(status);
    })?;
    let exit = loop {
        // Poll in short steps so that a tightened deadline takes effect.
        let step = deadline.remaining().min(Duration::from_millis(20));
        match rx.recv_timeout(step) {
            Ok(status) => break exit_of(status?),
            Err(mpsc::RecvTimeoutError::Timeout) if deadline.remaining().is_zero() => {
                kill_group(pid);
                // The kill cannot be ignored; the waiter returns promptly.
                let _ = rx.recv();
                break Exit::TimedOut;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(std::io::Error::other("lost the thread waiting for the child"))
            }
        }
    };
    let elapsed = started.elapsed();
    // Whatever the child left running in its group goes now.
    kill_group(pid);
    let _ = waiter.join();
    Ok(Finished { exit, stdout: collect(stdout), stderr: collect(stderr), elapsed })
}

/// Asks the kernel to kill the child when the thread that spawns it ends
/// (Linux; `PR_SET_PDEATHSIG`), so that a kill of kata takes it along.
/// Spawn it from a thread that waits for it.
#[cfg(target_os = "linux")]
pub fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // Safety: between fork and exec, prctl and getppid are async-signal-safe
    // and the closure allocates nothing.
    let parent = unsafe { libc::getpid() };
    unsafe {
        command.pre_exec(move || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if libc::getppid() != parent {
                // The parent died before the request was in place.
                libc::_exit(125);
            }
            Ok(())
        });
    }
}

/// Elsewhere the process group kill at the end of a run is all there is.
#[cfg(not(target_os = "linux"))]
pub fn die_with_parent(_command: &mut Command) {}

fn drain<R: Read + Send + 'static>(
    mut stream: R,
    mut on_line: impl FnMut(&str) + Send + 'static,
) -> JoinHandle<Output> {
    std::thread::spawn(move || {
        let mut output = Output::default();
        let mut line = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            let n = match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &buffer[..n];
            output.total += n;
            let room = KEPT_OUTPUT.saturating_sub(output.kept.len());
            output.kept.extend_from_slice(&chunk[..room.min(n)]);
            // Lines for the callback, bounded too: a line longer than 1 MiB
            // is not a line anyone needs whole.
            for &byte in chunk {
                if byte == b'\n' {
                    on_line(&String::from_utf8_lossy(&line));
                    line.clear();
                } else if line.len() < (1 << 20) {
                    line.push(byte);
                }
            }
        }
        if !line.is_empty() {
            on_line(&String::from_utf8_lossy(&line));
        }
        output
    })
}

/// Collects a drained stream. Its pipe closes when the group is killed; a
/// grandchild outside the group (possible on Windows) could hold it open, so
/// this waits a bounded time and keeps nothing past that.
fn collect(handle: Option<JoinHandle<Output>>) -> Output {
    let Some(handle) = handle else {
        return Output::default();
    };
    let deadline = Instant::now() + Duration::from_secs(2);
    while !handle.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    if handle.is_finished() {
        handle.join().unwrap_or_default()
    } else {
        Output::default()
    }
}

#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut Command) {}

#[cfg(unix)]
fn kill_group(pid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // Safety: kill(2) with a negative pid signals the process group the
        // child leads (it was made its leader by `process_group(0)`); it has
        // no memory-safety preconditions.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(pid: u32) {
    // Windows has no process groups to signal; taskkill /T ends the tree.
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn exit_of(status: ExitStatus) -> Exit {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Exit::Signal(signal);
        }
    }
    Exit::Code(status.code().unwrap_or(-1))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    /// `script` run by `sh` with `limit`, its lines unread.
    fn ran(script: &str, limit: Duration) -> Finished {
        run(sh(script), limit, |_| {}).unwrap()
    }

    #[test]
    fn reports_exit_codes_and_output() {
        let done = ran("echo hi; echo oops >&2; exit 3", Duration::from_secs(10));
        assert_eq!(done.exit, Exit::Code(3));
        assert_eq!(done.stdout.text(), "hi\n");
        assert_eq!(done.stderr.text(), "oops\n");
    }

    #[test]
    fn stops_a_hang_and_its_children() {
        let done = ran("sleep 30 & sleep 30", Duration::from_millis(200));
        assert_eq!(done.exit, Exit::TimedOut);
        assert!(done.elapsed < Duration::from_secs(10));
    }

    #[test]
    fn keeps_a_bounded_share_of_endless_output() {
        let done = ran("yes", Duration::from_millis(300));
        assert_eq!(done.exit, Exit::TimedOut);
        assert_eq!(done.stdout.kept.len(), KEPT_OUTPUT);
        assert!(done.stdout.truncated());
    }

    #[test]
    fn sees_signals() {
        let done = ran("kill -ABRT $$", Duration::from_secs(10));
        assert_eq!(done.exit, Exit::Signal(libc::SIGABRT));
    }

    #[test]
    fn a_tightened_deadline_stops_the_child_early() {
        let deadline = Deadline::after(Duration::from_secs(60));
        let watch = deadline.clone();
        let done = run_watched(
            sh("echo starting >&2; sleep 30"),
            &deadline,
            |_| {},
            move |line| {
                if line == "starting" {
                    watch.tighten(Duration::from_millis(100));
                }
            },
        )
        .unwrap();
        assert_eq!(done.exit, Exit::TimedOut);
        assert!(done.elapsed < Duration::from_secs(20), "{:?}", done.elapsed);
        assert!(deadline.limit() < Duration::from_secs(20));
    }

    #[test]
    fn lines_reach_the_callback() {
        let (tx, rx) = mpsc::channel();
        run(sh("printf 'a\\nb\\nc'"), Duration::from_secs(10), move |l| {
            tx.send(l.to_string()).unwrap()
        })
        .unwrap();
        assert_eq!(rx.iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    }
}
