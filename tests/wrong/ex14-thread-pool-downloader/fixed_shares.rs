//! Known wrong: splits the URLs into `workers` runs of consecutive URLs up front, one scoped thread per run: a worker whose run holds two slow URLs keeps going long after the others have gone idle.
//! expect-fail: near-ideal-time: no fixed share of the URLs per worker
//! expect-fail: near-ideal-time: workers each given a fixed share of consecutive items up front

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
    let agent = &agent;
    // Each worker gets its fair share: ceil(n / workers) URLs in a row.
    let share = urls.len().div_ceil(workers).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = urls
            .chunks(share)
            .map(|run| s.spawn(move || run.iter().map(|url| fetch(agent, url)).collect::<Vec<_>>()))
            .collect();
        // The runs come back in order, so the results do too.
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker panicked"))
            .collect()
    })
}
