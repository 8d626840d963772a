//! Known wrong: the rate log is a std::sync::Mutex held across the sleep, so a second request blocks the runtime's thread on the lock while the first sleeps.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: rate-limit: a blocking lock
//! expect-fail: limits-shared: a blocking lock

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use tokio::sync::Semaphore;
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

pub struct Client<T> {
    transport: T,
    limits: Limits,
    in_flight: Semaphore,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    starts: Mutex<VecDeque<Instant>>,
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, limits: Limits) -> Client<T> {
        Client {
            transport,
            limits,
            in_flight: Semaphore::new(limits.concurrency),
            hosts: Mutex::new(HashMap::new()),
            starts: Mutex::new(VecDeque::new()),
        }
    }

    fn host_slots(&self, url: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(
            hosts
                .entry(host_of(url).to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_host))),
        )
    }

    async fn wait_for_rate(&self) {
        let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            while starts
                .front()
                .is_some_and(|&t| now - t >= self.limits.window)
            {
                starts.pop_front();
            }
            if starts.len() < self.limits.rate {
                starts.push_back(now);
                return;
            }
            tokio::time::sleep_until(starts[0] + self.limits.window).await;
        }
    }

    async fn send_once(&self, url: &str) -> Result<Response, TransportError> {
        let host = self.host_slots(url);
        let _host = host.acquire().await.expect("never closed");
        let _permit = self.in_flight.acquire().await.expect("never closed");
        self.wait_for_rate().await;
        self.transport.get(url).await
    }

    pub async fn get(&self, url: &str) -> Result<String, ClientError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let response = self
                .send_once(url)
                .await
                .map_err(|TransportError(why)| ClientError::Transport(why))?;
            match response.status {
                200..=299 => return Ok(response.body),
                429 if attempts <= self.limits.max_retries => {
                    let wait = retry_after(&response).unwrap_or(Duration::from_secs(1));
                    tokio::time::sleep(wait).await;
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
