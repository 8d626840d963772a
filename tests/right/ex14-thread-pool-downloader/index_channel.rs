//! Known right: the URL indices wait in a channel that the workers drain (receiver behind a Mutex), and the results come back as (index, result) over a second channel.
//! Written blind: from the stub and the chapter, without reading the checks.
use std::fmt;
use std::sync::mpsc;
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

/// Downloads every URL in `urls` with a blocking GET, using `workers`
/// threads at once, and returns the body of each (or why it failed) in the
/// order of `urls`: result `i` belongs to `urls[i]`.
///
/// # Panics
/// If `workers` is zero.
pub fn download_all(
    urls: &[String],
    workers: usize,
    timeout: Duration,
) -> Vec<Result<String, DownloadError>> {
    assert!(workers > 0, "download_all needs at least one worker");
    let agent = agent(timeout);
    let (todo_tx, todo_rx) = mpsc::channel::<usize>();
    for i in 0..urls.len() {
        todo_tx.send(i).expect("the receiver is right here");
    }
    drop(todo_tx); // once drained, recv fails and the workers leave
    let todo = Mutex::new(todo_rx);
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (todo, agent) = (&todo, &agent);
            s.spawn(move || loop {
                let next = todo.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok(i) = next else { break };
                let _ = done_tx.send((i, fetch(agent, &urls[i])));
            });
        }
    });
    drop(done_tx);
    let mut slots: Vec<Option<Result<String, DownloadError>>> = vec![None; urls.len()];
    for (i, result) in done_rx {
        slots[i] = Some(result);
    }
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(DownloadError::Other("never downloaded".into()))))
        .collect()
}
