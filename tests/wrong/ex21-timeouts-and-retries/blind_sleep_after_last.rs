//! Known wrong: waits the backoff after every retryable failure and only then checks whether attempts are left, so the error comes one backoff late (and jitter is called after the last attempt)
//! Written blind: waits the backoff after every retryable failure and only then checks whether attempts are left, so the error comes one backoff late (and jitter is called after the last attempt)
//! expect-fail: timeouts-drop: nothing comes before the first attempt or after the last
//! expect-fail: edges: nothing comes before the first attempt or after the last

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
    let mut made = 0;
    let mut last = Failure::TimedOut;
    while made < total {
        made += 1;
        last = match tokio::time::timeout(policy.per_try, attempt(made)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(p @ Failure::Permanent(_))) => {
                return Err(RetryError { attempts: made, last: p });
            }
            Ok(Err(f)) => f,
            Err(_) => Failure::TimedOut,
        };
        tokio::time::sleep(jitter(delay)).await;
        delay = delay.saturating_mul(2).min(policy.cap);
    }
    Err(RetryError { attempts: made, last })
}
