//! Known wrong: retries every failure, Permanent included (a learner who writes `Err(_) => retry`, thinking "an error is an error")
//! Written blind: retries every failure, Permanent included (a learner who writes `Err(_) => retry`, thinking "an error is an error")
//! expect-fail: permanent-at-once: that is an answer, return it at once

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
    let mut last = Failure::TimedOut;
    for n in 1..=total {
        match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(f)) => last = f,
            Err(_) => last = Failure::TimedOut,
        }
        if n < total {
            tokio::time::sleep(jitter(delay)).await;
            delay = delay.saturating_mul(2).min(policy.cap);
        }
    }
    Err(RetryError { attempts: total, last })
}
