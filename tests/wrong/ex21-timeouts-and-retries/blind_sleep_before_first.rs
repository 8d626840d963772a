//! Known wrong: sleeps the backoff at the top of every iteration, so there is a wait (and a jitter call) before attempt 1 too
//! Written blind: sleeps the backoff at the top of every iteration, so there is a wait (and a jitter call) before attempt 1 too
//! expect-fail: schedule: no wait before it
//! expect-fail: permanent-at-once: no wait before it

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
    let mut n = 0;
    loop {
        n += 1;
        // back off before each try, so that a hammered server gets a rest
        tokio::time::sleep(jitter(delay)).await;
        if n > 1 {
            delay = delay.saturating_mul(2).min(policy.cap);
        }
        let failure = match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(f)) => f,
            Err(_) => Failure::TimedOut,
        };
        if let Failure::Permanent(_) = failure {
            return Err(RetryError { attempts: n, last: failure });
        }
        if n == total {
            return Err(RetryError { attempts: n, last: failure });
        }
    }
}
