//! Known right: A recursive async fn (one call per attempt, the next one behind Box::pin), the delay passed down as an argument
//! Written blind: from the stub and the chapter, without reading the checks.

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
    let last = policy.attempts.max(1);
    go(&policy, &mut jitter, &mut attempt, 1, last, policy.base.min(policy.cap)).await
}

async fn go<T, F, Fut, J>(
    policy: &Policy,
    jitter: &mut J,
    attempt: &mut F,
    n: u32,
    last: u32,
    delay: Duration,
) -> Result<T, RetryError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure>> + Send + 'static,
    T: Send + 'static,
    J: FnMut(Duration) -> Duration,
{
    let outcome = tokio::time::timeout(policy.per_try, attempt(n)).await;
    let failure = match outcome {
        Ok(Ok(v)) => return Ok(v),
        Ok(Err(Failure::Permanent(why))) => {
            return Err(RetryError { attempts: n, last: Failure::Permanent(why) });
        }
        Ok(Err(f)) => f,
        Err(_) => Failure::TimedOut,
    };
    if n >= last {
        return Err(RetryError { attempts: n, last: failure });
    }
    let wait = jitter(delay);
    tokio::time::sleep(wait).await;
    let next = delay.saturating_mul(2).min(policy.cap);
    Box::pin(go(policy, jitter, attempt, n + 1, last, next)).await
}
