//! Known wrong: loops `for n in 1..=policy.attempts` without `.max(1)`, so attempts 0 makes no attempt at all and returns an invented error
//! Written blind: loops `for n in 1..=policy.attempts` without `.max(1)`, so attempts 0 makes no attempt at all and returns an invented error
//! expect-fail: edges: attempt 1 never started

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
    let mut last = Failure::TimedOut;
    let mut made = 0;
    for n in 1..=policy.attempts {
        made = n;
        match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(p @ Failure::Permanent(_))) => {
                return Err(RetryError { attempts: n, last: p });
            }
            Ok(Err(f)) => last = f,
            Err(_) => last = Failure::TimedOut,
        }
        if n < policy.attempts {
            tokio::time::sleep(jitter(delay)).await;
            delay = delay.saturating_mul(2).min(policy.cap);
        }
    }
    Err(RetryError { attempts: made, last })
}
