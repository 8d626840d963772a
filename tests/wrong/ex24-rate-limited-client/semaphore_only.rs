//! Known wrong: semaphores for the overall and per-host caps, as asyncio.Semaphore does, but no rate: requests start as fast as slots free.
//! expect-fail: rate-limit: A semaphore caps how many requests are in flight, not how many start per window
//! expect-fail: limits-shared: one get_all alone already started
//! expect-fail: loopback: your client sent

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

pub struct Client<T> {
    transport: T,
    limits: Limits,
    limiter: Limiter,
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, limits: Limits) -> Client<T> {
        Client {
            transport,
            limits,
            limiter: Limiter::new(limits),
        }
    }

    pub async fn get(&self, url: &str) -> Result<String, ClientError> {
        let host = self.limiter.host(host_of(url));
        let mut attempts = 0;
        loop {
            attempts += 1;
            let answer = {
                let _host = host.acquire().await.unwrap();
                let _permit = self.limiter.in_flight.acquire().await.unwrap();
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

/// Semaphores per host and overall, and a sliding-window log of starts.
struct Limiter {
    limits: Limits,
    in_flight: tokio::sync::Semaphore,
    hosts:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Semaphore>>>,
    starts: tokio::sync::Mutex<std::collections::VecDeque<tokio::time::Instant>>,
}

impl Limiter {
    fn new(limits: Limits) -> Limiter {
        Limiter {
            limits,
            in_flight: tokio::sync::Semaphore::new(limits.concurrency),
            hosts: std::sync::Mutex::new(std::collections::HashMap::new()),
            starts: tokio::sync::Mutex::new(std::collections::VecDeque::new()),
        }
    }

    fn host(&self, host: &str) -> std::sync::Arc<tokio::sync::Semaphore> {
        let mut hosts = self.hosts.lock().unwrap();
        std::sync::Arc::clone(hosts.entry(host.to_owned()).or_insert_with(|| {
            std::sync::Arc::new(tokio::sync::Semaphore::new(self.limits.per_host))
        }))
    }

    async fn wait_for_rate(&self) {
        let mut starts = self.starts.lock().await;
        loop {
            let now = tokio::time::Instant::now();
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
            let oldest = starts[0];
            tokio::time::sleep_until(oldest + self.limits.window).await;
        }
    }
}
