//! Known wrong: the rate as reservations: under a std lock, each request books the earliest start that keeps the sliding window (now, or the start `rate` bookings back plus a window), then sleeps until it outside the lock. When the sleep wakes late (the runtime held up), the booked start is earlier than the real one, and the next bookings crowd its window. (Once a known-right file; the held-up run showed it breaks the rate.)
//! expect-fail: rate-limit: A start booked ahead (a time computed before the wait, slept until, then trusted)

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
    caps: Caps,
    rate: Rate,
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, limits: Limits) -> Client<T> {
        Client {
            transport,
            limits,
            caps: Caps::new(limits),
            rate: Rate::new(limits),
        }
    }

    pub async fn get(&self, url: &str) -> Result<String, ClientError> {
        let host = self.caps.host(host_of(url));
        let mut attempts = 0;
        loop {
            attempts += 1;
            let answer = {
                let _host = host.acquire().await.expect("never closed");
                let _permit = self.caps.in_flight.acquire().await.expect("never closed");
                self.rate.wait().await;
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

/// The booked starts, oldest first: the last `rate` of them decide the
/// next one.
struct Rate {
    limits: Limits,
    booked: std::sync::Mutex<std::collections::VecDeque<tokio::time::Instant>>,
}

impl Rate {
    fn new(limits: Limits) -> Rate {
        Rate {
            limits,
            booked: std::sync::Mutex::new(std::collections::VecDeque::new()),
        }
    }

    async fn wait(&self) {
        let slot = {
            let mut booked = self.booked.lock().unwrap();
            let now = tokio::time::Instant::now();
            let slot = match booked.len().checked_sub(self.limits.rate) {
                Some(i) => now.max(booked[i] + self.limits.window),
                None => now,
            };
            booked.push_back(slot);
            while booked.len() > self.limits.rate {
                booked.pop_front();
            }
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}
