//! Known right: every limit in one std lock (in flight overall and per host, the recent starts), a request waiting on a `tokio::sync::Notify` until it may go, and woken whenever a request ends or a start leaves the window.

use std::fmt;
use std::future::Future;
use std::time::Duration;

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
        write!(f, "{self:?}")
    }
}

impl std::error::Error for ClientError {}

pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

pub fn retry_after(response: &Response) -> Option<Duration> {
    let millis = response
        .header("x-retry-after-ms")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis);
    let seconds = || {
        response
            .header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    };
    millis.or_else(seconds)
}

pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    pub fn new() -> HttpTransport {
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client");
        HttpTransport { client }
    }
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for HttpTransport {
    async fn get(&self, url: &str) -> Result<Response, TransportError> {
        let no_answer = |e: reqwest::Error| TransportError(e.to_string());
        let response = self.client.get(url).send().await.map_err(no_answer)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let body = response.text().await.map_err(no_answer)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// What every variant does with one answer: Ok(body), Err(Status), or
/// `None` for a 429 to retry after the returned wait.
fn judge(
    answer: Result<Response, TransportError>,
    attempts: u32,
    limits: &Limits,
) -> Result<Result<String, ClientError>, Duration> {
    match answer {
        Err(TransportError(why)) => Ok(Err(ClientError::Transport(why))),
        Ok(r) if (200..300).contains(&r.status) => Ok(Ok(r.body)),
        Ok(r) if r.status == 429 && attempts <= limits.max_retries => {
            Err(retry_after(&r).unwrap_or(limits.window))
        }
        Ok(r) if r.status == 429 => Ok(Err(ClientError::RateLimited { attempts })),
        Ok(r) => Ok(Err(ClientError::Status(r.status))),
    }
}

/// The caps: a semaphore overall and one per host, made on first use.
struct Caps {
    in_flight: tokio::sync::Semaphore,
    per_host: usize,
    hosts: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Semaphore>>>,
}

impl Caps {
    fn new(limits: Limits) -> Caps {
        Caps {
            in_flight: tokio::sync::Semaphore::new(limits.concurrency),
            per_host: limits.per_host,
            hosts: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn host(&self, host: &str) -> std::sync::Arc<tokio::sync::Semaphore> {
        let mut hosts = self.hosts.lock().unwrap();
        let per_host = self.per_host;
        std::sync::Arc::clone(
            hosts
                .entry(host.to_owned())
                .or_insert_with(|| std::sync::Arc::new(tokio::sync::Semaphore::new(per_host))),
        )
    }
}

pub struct Client<T> {
    transport: T,
    limits: Limits,
    state: std::sync::Mutex<State>,
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct State {
    in_flight: usize,
    hosts: std::collections::HashMap<String, usize>,
    starts: std::collections::VecDeque<tokio::time::Instant>,
}

/// Ends a request: its counts go down and the waiting are told.
struct Going<'a, T> {
    client: &'a Client<T>,
    host: String,
}

impl<T> Drop for Going<'_, T> {
    fn drop(&mut self) {
        let mut state = self.client.state.lock().unwrap();
        state.in_flight -= 1;
        *state.hosts.get_mut(&self.host).unwrap() -= 1;
        drop(state);
        self.client.changed.notify_waiters();
    }
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, limits: Limits) -> Client<T> {
        Client {
            transport,
            limits,
            state: std::sync::Mutex::new(State::default()),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// Waits until `host` may send one more, and counts it in.
    async fn enter(&self, host: &str) -> Going<'_, T> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wake = {
                let mut state = self.state.lock().unwrap();
                let now = tokio::time::Instant::now();
                let window = self.limits.window;
                while state.starts.front().is_some_and(|&t| now - t >= window) {
                    state.starts.pop_front();
                }
                let on_host = state.hosts.get(host).copied().unwrap_or(0);
                let caps_free = state.in_flight < self.limits.concurrency && on_host < self.limits.per_host;
                if caps_free && state.starts.len() < self.limits.rate {
                    state.in_flight += 1;
                    *state.hosts.entry(host.to_owned()).or_insert(0) += 1;
                    state.starts.push_back(now);
                    return Going { client: self, host: host.to_owned() };
                }
                // A start leaving the window frees the rate; nobody
                // notifies for that, so wake up then as well.
                (state.starts.len() >= self.limits.rate).then(|| state.starts[0] + window)
            };
            match wake {
                Some(at) => {
                    tokio::select! {
                        _ = &mut notified => {}
                        _ = tokio::time::sleep_until(at) => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    pub async fn get(&self, url: &str) -> Result<String, ClientError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let answer = {
                let _going = self.enter(host_of(url)).await;
                self.transport.get(url).await
            };
            match judge(answer, attempts, &self.limits) {
                Ok(result) => return result,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    pub async fn get_all(&self, urls: &[String]) -> Vec<Result<String, ClientError>> {
        futures::future::join_all(urls.iter().map(|url| self.get(url))).await
    }
}
