//! Known wrong: spawns each attempt and remembers to abort() it on a time-out, but not on the other way out: when the caller drops the call the task keeps running
//! Written blind: spawns each attempt and remembers to abort() it on a time-out, but not on the other way out: when the caller drops the call the task keeps running
//! expect-fail: caller-cancels: the attempt in flight must be dropped with it

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
    for n in 1..=total {
        let mut handle = tokio::spawn(attempt(n));
        let failure = tokio::select! {
            joined = &mut handle => match joined {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(f)) => f,
                Err(e) => Failure::Transient(e.to_string()),
            },
            () = tokio::time::sleep(policy.per_try) => {
                handle.abort();
                Failure::TimedOut
            }
        };
        if matches!(failure, Failure::Permanent(_)) || n == total {
            return Err(RetryError { attempts: n, last: failure });
        }
        tokio::time::sleep(jitter(delay)).await;
        delay = delay.saturating_mul(2).min(policy.cap);
    }
    unreachable!()
}
