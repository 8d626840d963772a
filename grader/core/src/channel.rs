//! The grader's end of a check's result channel: a pipe handed to the
//! checks binary as descriptor 3 (on Unix), read to its end within
//! [`kata_protocol::MAX_MESSAGE`].

use crate::child::{run, Finished};
use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

/// [`run`] for a checks binary: adds the result channel to `command`'s
/// arguments (`--result-fd 3` on Unix, a pipe; elsewhere `--out PATH`, a
/// file in `scratch`), and returns what arrived on it, at most
/// [`kata_protocol::MAX_MESSAGE`] bytes and one more, beside how the child
/// ended.
pub fn run_with_channel(
    mut command: Command,
    limit: Duration,
    scratch: &std::path::Path,
) -> std::io::Result<(Finished, Vec<u8>)> {
    #[cfg(unix)]
    {
        let _ = scratch;
        let (reader, writer) = std::io::pipe()?;
        hand_over(&mut command, &writer);
        command.arg("--result-fd").arg(kata_protocol::RESULT_FD.to_string());
        let receiving =
            std::thread::Builder::new().name("kata-result".into()).spawn(move || {
                let mut kept = Vec::new();
                let mut reader = reader;
                let _ = (&mut reader)
                    .take(kata_protocol::MAX_MESSAGE as u64 + 1)
                    .read_to_end(&mut kept);
                // Past the limit nothing is believed; drain so the child
                // never blocks on a full pipe.
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
                kept
            })?;
        let finished = run(command, limit, |_| {});
        // The child's end closed when it ended; with ours closed too the
        // reader sees the end of the stream.
        drop(writer);
        let finished = finished?;
        let deadline = Instant::now() + Duration::from_secs(2);
        while !receiving.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        let received =
            if receiving.is_finished() { receiving.join().unwrap_or_default() } else { Vec::new() };
        Ok((finished, received))
    }
    #[cfg(not(unix))]
    {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(Instant::now().elapsed().as_nanos());
        let out = scratch.join(format!("result-{:016x}.json", hasher.finish()));
        command.arg("--out").arg(&out);
        let finished = run(command, limit, |_| {})?;
        let mut received = Vec::new();
        if let Ok(file) = std::fs::File::open(&out) {
            let _ = file.take(kata_protocol::MAX_MESSAGE as u64 + 1).read_to_end(&mut received);
        }
        let _ = std::fs::remove_file(&out);
        Ok((finished, received))
    }
}

/// Makes the pipe's writing end descriptor [`kata_protocol::RESULT_FD`] of
/// the child, open across `exec`.
#[cfg(unix)]
fn hand_over(command: &mut Command, writer: &std::io::PipeWriter) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let fd = writer.as_raw_fd();
    let target = kata_protocol::RESULT_FD;
    // Safety: runs in the child between fork and exec; dup2 and fcntl are
    // async-signal-safe, and the closure allocates nothing.
    unsafe {
        command.pre_exec(move || {
            let done = if fd == target {
                // Already the number: only clear close-on-exec.
                libc::fcntl(fd, libc::F_SETFD, 0)
            } else {
                // The duplicate is open across exec; the original is not.
                libc::dup2(fd, target)
            };
            if done < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
