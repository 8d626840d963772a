//! Known right: Tokio::select! (biased) between the pinned attempt and sleep_until(its deadline), the attempt scoped to one iteration; the delay for attempt n recomputed each time by doubling a capped value n-1 times (stopping at the cap)
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
    let last = policy.attempts.max(1);
    let mut n: u32 = 1;
    loop {
        let failure = {
            let fut = attempt(n);
            tokio::pin!(fut);
            let timer = match tokio::time::Instant::now().checked_add(policy.per_try) {
                Some(deadline) => tokio::time::sleep_until(deadline),
                None => tokio::time::sleep(policy.per_try),
            };
            tokio::pin!(timer);
            tokio::select! {
                biased;
                out = &mut fut => match out {
                    Ok(v) => return Ok(v),
                    Err(f) => f,
                },
                () = &mut timer => Failure::TimedOut,
            }
            // `fut` is dropped here, at the deadline if it lost.
        };
        if let Failure::Permanent(_) = failure {
            return Err(RetryError { attempts: n, last: failure });
        }
        if n >= last {
            return Err(RetryError { attempts: n, last: failure });
        }
        tokio::time::sleep(jitter(delay_after(policy, n))).await;
        n += 1;
    }
}

/// min(base * 2^(n-1), cap), without overflow: double a capped value,
/// stopping as soon as it reaches the cap (or is zero).
fn delay_after(policy: Policy, n: u32) -> Duration {
    let mut delay = policy.base.min(policy.cap);
    for _ in 1..n {
        if delay == policy.cap || delay.is_zero() {
            break;
        }
        delay = delay.saturating_mul(2).min(policy.cap);
    }
    delay
}
