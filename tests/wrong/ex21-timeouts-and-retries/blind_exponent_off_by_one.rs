//! Known wrong: delay = base * 2^n with n counted from 1 (the Python notes' `2 ** attempt * 0.1`), so the first wait is 2*base
//! Written blind: delay = base * 2^n with n counted from 1 (the Python notes' `2 ** attempt * 0.1`), so the first wait is 2*base
//! expect-fail: schedule: the first wait is base, not 2 × base
//! expect-fail: permanent-at-once: the first wait is base, not 2 × base

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
    for n in 1..=total {
        let failure = match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(f)) => f,
            Err(_) => Failure::TimedOut,
        };
        if matches!(failure, Failure::Permanent(_)) || n == total {
            return Err(RetryError { attempts: n, last: failure });
        }
        let factor = 2u32.checked_pow(n).unwrap_or(u32::MAX);
        let delay = policy.base.saturating_mul(factor).min(policy.cap);
        tokio::time::sleep(jitter(delay)).await;
    }
    unreachable!("the loop returns on its last attempt")
}
