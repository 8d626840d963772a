//! Known right: a channel of indices that the workers drain through a shared `Mutex<Receiver>`, and a second channel that brings each result back with its index.

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
    let (work_tx, work_rx) = std::sync::mpsc::channel::<usize>();
    for i in 0..urls.len() {
        work_tx.send(i).expect("the receiver is alive");
    }
    // Closed: a worker that finds the channel empty is done.
    drop(work_tx);
    let work = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (work, agent, done) = (&work, &agent, done_tx.clone());
            s.spawn(move || loop {
                // The lock only for taking the next index, not for the download.
                let next = work.lock().unwrap().recv();
                let Ok(i) = next else { break };
                done.send((i, fetch(agent, &urls[i]))).expect("the collector is alive");
            });
        }
    });
    drop(done_tx);
    let mut results: Vec<Option<Result<String, DownloadError>>> = (0..urls.len()).map(|_| None).collect();
    for (i, result) in done_rx {
        results[i] = Some(result);
    }
    results.into_iter().map(|r| r.expect("every index was downloaded")).collect()
}
