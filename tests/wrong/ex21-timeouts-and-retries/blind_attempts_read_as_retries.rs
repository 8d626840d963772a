//! Known wrong: counts retries instead of attempts: `for retry in 0..policy.attempts` makes attempts+1 tries when attempts > 0 ("attempts" read as "retries")
//! Written blind: counts retries instead of attempts: `for retry in 0..policy.attempts` makes attempts+1 tries when attempts > 0 ("attempts" read as "retries")
//! expect-fail: timeouts-drop: but policy.attempts is 3
//! expect-fail: edges: but policy.attempts is 1

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
    let mut delay = policy.base.min(policy.cap);
    // the first try, then `attempts` retries
    let mut failure = match tokio::time::timeout(policy.per_try, attempt(1)).await {
        Ok(Ok(v)) => return Ok(v),
        Ok(Err(f)) => f,
        Err(_) => Failure::TimedOut,
    };
    let mut made = 1;
    for retry in 0..policy.attempts {
        if matches!(failure, Failure::Permanent(_)) {
            break;
        }
        tokio::time::sleep(jitter(delay)).await;
        delay = delay.saturating_mul(2).min(policy.cap);
        made = retry + 2;
        failure = match tokio::time::timeout(policy.per_try, attempt(made)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(f)) => f,
            Err(_) => Failure::TimedOut,
        };
    }
    Err(RetryError { attempts: made, last: failure })
}
