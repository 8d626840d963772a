//! # ex21 · Timeouts and retries (reference solution)
//!
//! One attempt at a time, each under its own `tokio::time::timeout`; the
//! backoff delay kept as a running value that doubles and stops at the cap
//! (so it never overflows); `jitter` asked once per wait. Everything runs
//! inside the one future the caller awaits: nothing is spawned, so dropping
//! that future drops the attempt in flight (or the backoff sleep) with it,
//! and no later attempt can start.

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

/// Calls `attempt(1)`, `attempt(2)`, ... until one returns `Ok`; see the
/// stub for the whole contract.
///
/// # Errors
/// A [`RetryError`] with the number of attempts made and the last failure.
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
    // `attempts == 0` still tries once.
    let attempts = policy.attempts.max(1);
    // The backoff before attempt n + 1, before jitter: base, then doubled
    // after each failure, never above cap. Capping first means `cap < base`
    // gives `cap` every time; `saturating_mul` keeps 2 × (at most cap) from
    // overflowing even for a cap near `Duration::MAX`.
    let mut delay = policy.base.min(policy.cap);
    let mut n = 1;
    loop {
        // The timeout wraps this one attempt, not the loop. When it fires,
        // `timeout(..).await` returns Err(Elapsed) and the attempt's future
        // (held inside the `Timeout`) is dropped at the end of this
        // statement: its connection is released at the deadline.
        let failure = match tokio::time::timeout(policy.per_try, attempt(n)).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(failure)) => failure,
            Err(_elapsed) => Failure::TimedOut,
        };
        // A permanent failure is an answer: no point asking again. And
        // after the last attempt there is nothing to wait for.
        if matches!(failure, Failure::Permanent(_)) || n == attempts {
            return Err(RetryError {
                attempts: n,
                last: failure,
            });
        }
        // Jitter spreads the retries of many clients apart; the wait is
        // exactly what it says. An async sleep: other tasks run meanwhile,
        // and dropping this future here cancels the sleep and every attempt
        // after it.
        tokio::time::sleep(jitter(delay)).await;
        delay = delay.saturating_mul(2).min(policy.cap);
        n += 1;
    }
}
