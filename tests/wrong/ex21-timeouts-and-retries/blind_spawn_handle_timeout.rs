//! Known wrong: tokio::spawn's each attempt and times out the JoinHandle; on a time-out (or when the caller drops the call) the task keeps running and holds its connection
//! Written blind: tokio::spawn's each attempt and times out the JoinHandle; on a time-out (or when the caller drops the call) the task keeps running and holds its connection
//! expect-fail: timeouts-drop: a spawned attempt is not cancelled
//! expect-fail: schedule: a spawned task whose JoinHandle times out runs on

use std::future::Future;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub attempts: u32,
    pub base: Duration,
    pub cap: Duration,
    pub per_try: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Transient(String),
    Permanent(String),
    TimedOut,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryError {
    pub attempts: u32,
    pub last: Failure,
}

/// Calls `attempt(1)`, `attempt(2)`, ... with per-try timeouts and backoff.
///
/// # Errors
/// A [`RetryError`] with the number of attempts made and the last failure.
pub async fn fetch_with_retry<T, F, Fut, J>(
    policy: Policy,
    jitter: J,
    attempt: F,
) -> Result<T, RetryError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure>> + Send + 'static,
    T: Send + 'static,
    J: FnMut(Duration) -> Duration,
{
    let mut attempt = attempt;
    let mut jitter = jitter;
    let total = policy.attempts.max(1);
    let mut delay = policy.base.min(policy.cap);
    let mut n = 1;
    loop {
        let handle = tokio::spawn(attempt(n));
        let failure = match tokio::time::timeout(policy.per_try, handle).await {
            Ok(Ok(Ok(v))) => return Ok(v),
            Ok(Ok(Err(f))) => f,
            Ok(Err(_join_error)) => Failure::Transient("attempt task failed".to_string()),
            Err(_elapsed) => Failure::TimedOut,
        };
        if matches!(failure, Failure::Permanent(_)) || n == total {
            return Err(RetryError { attempts: n, last: failure });
        }
        tokio::time::sleep(jitter(delay)).await;
        delay = delay.saturating_mul(2).min(policy.cap);
        n += 1;
    }
}
