//! Known right: A precomputed schedule (one Option<delay> per attempt, None after the last) folded over with try_fold-style early exits in a for loop
//! Written blind: from the stub and the chapter, without reading the checks.

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
    let schedule = schedule(policy);
    let mut last = Failure::TimedOut;
    for (i, after) in schedule.into_iter().enumerate() {
        let n = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        last = match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(p @ Failure::Permanent(_))) => {
                return Err(RetryError { attempts: n, last: p });
            }
            Ok(Err(f)) => f,
            Err(_) => Failure::TimedOut,
        };
        match after {
            Some(delay) => tokio::time::sleep(jitter(delay)).await,
            None => return Err(RetryError { attempts: n, last }),
        }
    }
    Err(RetryError { attempts: policy.attempts.max(1), last })
}

/// One entry per attempt: the capped delay after it, or `None` for the last.
fn schedule(policy: Policy) -> Vec<Option<Duration>> {
    let count = policy.attempts.max(1);
    (1..=count)
        .scan(policy.base.min(policy.cap), |delay, n| {
            let this = *delay;
            *delay = delay.saturating_mul(2).min(policy.cap);
            Some(if n == count { None } else { Some(this) })
        })
        .collect()
}
