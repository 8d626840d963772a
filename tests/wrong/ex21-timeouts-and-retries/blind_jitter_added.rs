//! Known wrong: treats jitter's answer as an offset and waits delay + jitter(delay) (up to 2x the delay), as in "add some random jitter to the backoff"
//! Written blind: treats jitter's answer as an offset and waits delay + jitter(delay) (up to 2x the delay), as in "add some random jitter to the backoff"
//! expect-fail: cap-and-jitter: the wait after it is exactly what jitter gave
//! expect-fail: schedule: the wait after it is exactly what jitter gave

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
        let failure = match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(f)) => f,
            Err(_) => Failure::TimedOut,
        };
        if matches!(failure, Failure::Permanent(_)) || n == total {
            return Err(RetryError { attempts: n, last: failure });
        }
        let wait = delay.saturating_add(jitter(delay));
        tokio::time::sleep(wait).await;
        delay = delay.saturating_mul(2).min(policy.cap);
        n += 1;
    }
}
