//! Known right: one `Mutex` around an enumerated iterator of the URLs as the work queue, each worker writing its results into its own list, merged by index at the end.

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
    let queue = std::sync::Mutex::new(urls.iter().enumerate());
    let mut done: Vec<(usize, Result<String, DownloadError>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let next = queue.lock().unwrap().next();
                        let Some((i, url)) = next else { break mine };
                        mine.push((i, fetch(&agent, url)));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a worker panicked")).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}
