//! Known wrong: one tokio::time::timeout(per_try, ..) around the whole retry loop instead of around each attempt (wait_for wrapped around the function, Python style)
//! Written blind: one tokio::time::timeout(per_try, ..) around the whole retry loop instead of around each attempt (wait_for wrapped around the function, Python style)
//! expect-fail: schedule: the timeout is around the whole call
//! expect-fail: timeouts-drop: is the timeout around the whole call

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
    let attempts_made = std::sync::atomic::AtomicU32::new(0);
    let run = async {
        let mut delay = policy.base.min(policy.cap);
        let mut n = 1;
        loop {
            attempts_made.store(n, std::sync::atomic::Ordering::Relaxed);
            let failure = match attempt(n).await {
                Ok(v) => return Ok(v),
                Err(f) => f,
            };
            if matches!(failure, Failure::Permanent(_)) || n == total {
                return Err(RetryError { attempts: n, last: failure });
            }
            tokio::time::sleep(jitter(delay)).await;
            delay = delay.saturating_mul(2).min(policy.cap);
            n += 1;
        }
    };
    match tokio::time::timeout(policy.per_try, run).await {
        Ok(result) => result,
        Err(_) => Err(RetryError {
            attempts: attempts_made.load(std::sync::atomic::Ordering::Relaxed).max(1),
            last: Failure::TimedOut,
        }),
    }
}
