//! Known wrong: a thread per URL behind a semaphore of `workers` permits: the server never sees more than `workers` requests at once, but the call starts a thread for every URL.
//! expect-fail: bound-held: a thread per URL is not a pool, even when a semaphore

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

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

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

/// A counting semaphore: at most `permits` threads between `acquire` and
/// `release`.
struct Semaphore {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Semaphore {
    fn acquire(&self) {
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            free = self.freed.wait(free).unwrap();
        }
        *free -= 1;
    }

    fn release(&self) {
        *self.free.lock().unwrap() += 1;
        self.freed.notify_one();
    }
}

pub fn download_all(
    urls: &[String],
    workers: usize,
    timeout: Duration,
) -> Vec<Result<String, DownloadError>> {
    let agent = agent(timeout);
    let (agent, permits) = (
        &agent,
        &Semaphore {
            free: std::sync::Mutex::new(workers),
            freed: std::sync::Condvar::new(),
        },
    );
    // One thread per URL, but only `workers` of them download at a time,
    // like asyncio.Semaphore around a task per URL.
    std::thread::scope(|s| {
        let handles: Vec<_> = urls
            .iter()
            .map(|url| {
                s.spawn(move || {
                    permits.acquire();
                    let result = fetch(agent, url);
                    permits.release();
                    result
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
