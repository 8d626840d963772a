//! Known wrong: downloads in rounds: starts `workers` threads for the next `workers` URLs, joins them all, then starts the next round, so every round waits for its slowest URL while the other threads are done.
//! expect-fail: near-ideal-time: no waiting for a whole batch before starting the next
//! expect-fail: near-ideal-time: batches of 5, each joined before the next starts

use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadError {
    Status(u16),
    Timeout,
    Other(String),
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::Status(code) => write!(f, "the server answered {code}"),
            DownloadError::Timeout => write!(f, "the request timed out"),
            DownloadError::Other(why) => write!(f, "the download failed: {why}"),
        }
    }
}

impl std::error::Error for DownloadError {}

fn to_download_error(error: ureq::Error) -> DownloadError {
    match error {
        ureq::Error::StatusCode(code) => DownloadError::Status(code),
        ureq::Error::Timeout(_) => DownloadError::Timeout,
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => DownloadError::Timeout,
        other => DownloadError::Other(other.to_string()),
    }
}

fn fetch(agent: &ureq::Agent, url: &str) -> Result<String, DownloadError> {
    let mut response = agent.get(url).call().map_err(to_download_error)?;
    response
        .body_mut()
        .read_to_string()
        .map_err(to_download_error)
}

pub fn download_all(
    urls: &[String],
    workers: usize,
    timeout: Duration,
) -> Vec<Result<String, DownloadError>> {
    assert!(workers > 0, "download_all needs at least one worker");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut results = Vec::with_capacity(urls.len());
    // At most `workers` downloads at once: one round of threads at a time.
    for round in urls.chunks(workers) {
        let agent = &agent;
        let done: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = round.iter().map(|url| s.spawn(move || fetch(agent, url))).collect();
            handles.into_iter().map(|h| h.join().expect("a worker panicked")).collect()
        });
        results.extend(done);
    }
    results
}
