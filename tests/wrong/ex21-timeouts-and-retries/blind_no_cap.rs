//! Known wrong: the delay doubles but is never capped (the learner gets the doubling right and forgets `min(cap)`, since short tests never reach the cap)
//! Written blind: the delay doubles but is never capped (the learner gets the doubling right and forgets `min(cap)`, since short tests never reach the cap)
//! expect-fail: cap-and-jitter: above the cap

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
    let mut delay = policy.base;
    let mut n = 1;
    loop {
        let outcome = tokio::time::timeout(policy.per_try, attempt(n)).await;
        let failure = match outcome {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(f)) => f,
            Err(_) => Failure::TimedOut,
        };
        let give_up = matches!(failure, Failure::Permanent(_)) || n >= total;
        if give_up {
            return Err(RetryError { attempts: n, last: failure });
        }
        tokio::time::sleep(jitter(delay)).await;
        delay = delay.saturating_mul(2);
        n += 1;
    }
}
