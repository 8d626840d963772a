//! Known wrong: takes the results lock first and downloads while holding it, so the workers take turns and only one request is ever in flight.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: bound-held: the server saw only 1 request(s) at once with 5 workers: are your workers taking turns (a lock held around the download?)
//! expect-fail: near-ideal-time: keep all 5 workers busy until the last URL is done
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Why one URL could not be downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadError {
    /// The server answered with this 4xx or 5xx status code.
    Status(u16),
    /// The request did not complete within the per-request timeout.
    Timeout,
    /// Anything else (connection refused, a bad URL, a broken body), with a
    /// description.
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

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

fn classify(error: ureq::Error) -> DownloadError {
    match error {
        ureq::Error::StatusCode(code) => DownloadError::Status(code),
        ureq::Error::Timeout(_) => DownloadError::Timeout,
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => DownloadError::Timeout,
        other => DownloadError::Other(other.to_string()),
    }
}

fn fetch(agent: &ureq::Agent, url: &str) -> Result<String, DownloadError> {
    let mut response = agent.get(url).call().map_err(classify)?;
    response.body_mut().read_to_string().map_err(classify)
}

/// Downloads every URL, `workers` at a time, results in the order of `urls`.
pub fn download_all(
    urls: &[String],
    workers: usize,
    timeout: Duration,
) -> Vec<Result<String, DownloadError>> {
    assert!(workers > 0, "download_all needs at least one worker");
    let agent = agent(timeout);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<String, DownloadError>>>> =
        Mutex::new(vec![None; urls.len()]);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= urls.len() {
                    break;
                }
                let mut slots = results.lock().unwrap();
                slots[i] = Some(fetch(&agent, &urls[i]));
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every URL was taken"))
        .collect()
}
