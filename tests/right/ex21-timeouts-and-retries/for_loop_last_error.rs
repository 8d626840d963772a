//! Known right: a `for` loop over 1..=attempts that keeps the last failure, and computes each delay from the attempt number with saturating arithmetic.

use std::future::Future;
use std::time::Duration;

/// How to retry. Plain data: every field is public and the checks build it
/// with a struct literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// How many attempts in all, the first one included. `0` is taken as
    /// `1`: the call is always tried at least once.
    pub attempts: u32,
    /// The backoff delay after the first failed attempt; it doubles after
    /// each further one.
    pub base: Duration,
    /// No backoff delay is longer than this (before jitter).
    pub cap: Duration,
    /// How long one attempt may take. An attempt not finished by then is
    /// dropped and counts as `Failure::TimedOut`. (There is no deadline for
    /// the whole call: a caller who wants one wraps the call in
    /// `tokio::time::timeout`, and then your call is dropped.)
    pub per_try: Duration,
}

/// How one attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth another try (a 503, a reset connection): retried while
    /// attempts are left.
    Transient(String),
    /// Not worth one (a 404, a refused login): `fetch_with_retry` returns at
    /// once, with no further attempt and no wait.
    Permanent(String),
    /// The attempt did not finish within `per_try`. `fetch_with_retry` makes
    /// this one itself (an attempt that returns it is treated the same way):
    /// retried like `Transient`.
    TimedOut,
}

/// What `fetch_with_retry` gives back when no attempt succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryError {
    /// How many attempts were made (started), the last one included.
    pub attempts: u32,
    /// How the last attempt failed: `Permanent` if one was, else the last
    /// `Transient` or `TimedOut`.
    pub last: Failure,
}

pub async fn fetch_with_retry<T, F, Fut, J>(
    policy: Policy,
    mut jitter: J,
    mut attempt: F,
) -> Result<T, RetryError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure>> + Send + 'static,
    T: Send + 'static,
    J: FnMut(Duration) -> Duration,
{
    let attempts = policy.attempts.max(1);
    let mut last = Failure::TimedOut;
    for n in 1..=attempts {
        if n > 1 {
            let doublings = 2u32.saturating_pow(n - 2);
            let delay = policy.base.saturating_mul(doublings).min(policy.cap);
            tokio::time::sleep(jitter(delay)).await;
        }
        last = match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(Failure::Permanent(m))) => {
                return Err(RetryError { attempts: n, last: Failure::Permanent(m) });
            }
            Ok(Err(failure)) => failure,
            Err(_) => Failure::TimedOut,
        };
    }
    Err(RetryError { attempts, last })
}
