//! Known wrong: keeps the current attempt in a variable outside the loop and select!s on `&mut` it, so a timed-out attempt (and its connection) lives on through the backoff until the next attempt replaces it
//! Written blind: keeps the current attempt in a variable outside the loop and select!s on `&mut` it, so a timed-out attempt (and its connection) lives on through the backoff until the next attempt replaces it
//! expect-fail: timeouts-drop: the timed-out future was kept alive
//! expect-fail: schedule: the timed-out future was kept alive

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
    let mut current = Box::pin(attempt(n));
    loop {
        let failure = tokio::select! {
            out = &mut current => match out {
                Ok(v) => return Ok(v),
                Err(f) => f,
            },
            () = tokio::time::sleep(policy.per_try) => Failure::TimedOut,
        };
        if matches!(failure, Failure::Permanent(_)) || n == total {
            return Err(RetryError { attempts: n, last: failure });
        }
        tokio::time::sleep(jitter(delay)).await;
        delay = delay.saturating_mul(2).min(policy.cap);
        n += 1;
        current = Box::pin(attempt(n));
    }
}
