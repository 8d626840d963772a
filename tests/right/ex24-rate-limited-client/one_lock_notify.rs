//! Known right: one std Mutex over all the counts and the start log, and a tokio Notify (registered before each look) to wake waiters when a slot frees.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::join_all;
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError(pub String);

pub trait Transport {
    fn get(&self, url: &str) -> impl Future<Output = Result<Response, TransportError>> + Send;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub concurrency: usize,
    pub per_host: usize,
    pub rate: usize,
    pub window: Duration,
    pub max_retries: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    Status(u16),
    RateLimited { attempts: u32 },
    Transport(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Status(code) => write!(f, "the server answered {code}"),
            ClientError::RateLimited { attempts } => {
                write!(f, "still rate limited after {attempts} attempts")
            }
            ClientError::Transport(why) => write!(f, "no answer: {why}"),
        }
    }
}

impl std::error::Error for ClientError {}

pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

pub fn retry_after(response: &Response) -> Option<Duration> {
    if let Some(ms) = response.header("x-retry-after-ms") {
        if let Ok(ms) = ms.trim().parse::<u64>() {
            return Some(Duration::from_millis(ms));
        }
    }
    let secs = response.header("retry-after")?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(secs))
}

/// Every limit in one state behind one std lock (held only to look and
/// count, never across an `.await`), and a `Notify` that wakes the waiters
/// whenever a slot frees up: a condition variable, async style.
struct State {
    in_flight: usize,
    per_host: HashMap<String, usize>,
    starts: VecDeque<Instant>,
}

pub struct Client<T> {
    transport: T,
    limits: Limits,
    state: Mutex<State>,
    freed: Notify,
}

/// Gives back a request's slots when dropped, even if its future is.
struct Slots<'a> {
    state: &'a Mutex<State>,
    freed: &'a Notify,
    host: String,
}

impl Drop for Slots<'_> {
    fn drop(&mut self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.in_flight -= 1;
        if let Some(n) = state.per_host.get_mut(&self.host) {
            *n -= 1;
        }
        drop(state);
        self.freed.notify_waiters();
    }
}

enum Wait {
    Slot,
    Until(Instant),
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, limits: Limits) -> Client<T> {
        Client {
            transport,
            limits,
            state: Mutex::new(State {
                in_flight: 0,
                per_host: HashMap::new(),
                starts: VecDeque::new(),
            }),
            freed: Notify::new(),
        }
    }

    /// Takes a slot overall, one of the host's and a start, all at once, or
    /// says what to wait for.
    fn try_take(&self, host: &str) -> Result<(), Wait> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let window = self.limits.window;
        while state.starts.front().is_some_and(|&t| now - t >= window) {
            state.starts.pop_front();
        }
        let host_busy = state.per_host.get(host).copied().unwrap_or(0);
        if state.in_flight >= self.limits.concurrency || host_busy >= self.limits.per_host {
            return Err(Wait::Slot);
        }
        if state.starts.len() >= self.limits.rate {
            return Err(Wait::Until(state.starts[0] + window));
        }
        state.in_flight += 1;
        *state.per_host.entry(host.to_owned()).or_insert(0) += 1;
        state.starts.push_back(now);
        Ok(())
    }

    async fn take(&self, host: &str) -> Slots<'_> {
        loop {
            // Registered before looking, so a slot freed in between still wakes us.
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            match self.try_take(host) {
                Ok(()) => {
                    return Slots {
                        state: &self.state,
                        freed: &self.freed,
                        host: host.to_owned(),
                    }
                }
                Err(Wait::Slot) => freed.await,
                Err(Wait::Until(at)) => {
                    tokio::select! {
                        _ = freed => {}
                        _ = tokio::time::sleep_until(at) => {}
                    }
                }
            }
        }
    }

    pub async fn get(&self, url: &str) -> Result<String, ClientError> {
        let host = host_of(url);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let answer = {
                let _slots = self.take(host).await;
                self.transport.get(url).await
            };
            let response = answer.map_err(|TransportError(why)| ClientError::Transport(why))?;
            match response.status {
                200..=299 => return Ok(response.body),
                429 if attempts <= self.limits.max_retries => {
                    tokio::time::sleep(retry_after(&response).unwrap_or(Duration::from_secs(1)))
                        .await;
                }
                429 => return Err(ClientError::RateLimited { attempts }),
                code => return Err(ClientError::Status(code)),
            }
        }
    }

    pub async fn get_all(&self, urls: &[String]) -> Vec<Result<String, ClientError>> {
        join_all(urls.iter().map(|url| self.get(url))).await
    }
}

pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    pub fn new() -> HttpTransport {
        HttpTransport {
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("reqwest builds its client"),
        }
    }
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for HttpTransport {
    async fn get(&self, url: &str) -> Result<Response, TransportError> {
        let answer = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| TransportError(e.to_string()))?;
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = answer
            .text()
            .await
            .map_err(|e| TransportError(e.to_string()))?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}
