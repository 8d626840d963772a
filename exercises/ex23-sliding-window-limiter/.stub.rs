//! # ex23 · Sliding-window rate limiter
//!
//! Goal: a rate limiter that grants at most `rate` acquisitions in any window
//! of length `window`, however the calls arrive, shared by threads (`&self`)
//! and by async tasks (`acquire().await` waits for a free slot, asleep).
//!
//! What the checks measure (on the reference's contract below, exactly):
//! - on arbitrary arrival times (a seeded generator of bursts, gaps and equal
//!   instants), every answer of `try_acquire` equals the sliding log's: never
//!   more than `rate` grants in a window (a fixed-window counter lets 2 x rate
//!   through at a boundary), and never a refusal while a slot is free (a token
//!   bucket or a window closed at both ends refuses one); a failure shows the
//!   shortest arrival sequence that breaks it;
//! - memory: a long run of grants leaves the limiter holding O(rate), not a
//!   log of every grant;
//! - threads: under the shuttle model checker, 2 or 3 threads race
//!   `try_acquire` at the same instant: never more than `rate` granted, in
//!   every schedule (a check and an update in two lock scopes fails);
//! - `acquire`, on tokio's paused clock: each waiter is granted at exactly the
//!   earliest instant the window allows, and waits asleep (a loop of
//!   `yield_now` or of short sleeps is counted and fails).
//!
//! What they cannot see: time read from anywhere but `now` (in `try_acquire`)
//! and `tokio::time::Instant::now()` (in `acquire`).
//!
//! The chapter: book/src/exercises/ex23-sliding-window-limiter.md
//!
//! Check: cargo kata check ex23

// Locks and atomics come from `kata_sync`: std's in a normal build, the model
// checker's when the grader explores your code with shuttle.
#[allow(unused_imports)]
use kata_sync::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// At most `rate` grants in any window of length `window`.
///
/// **The window.** A grant at `now` is allowed if and only if fewer than
/// `rate` earlier grants lie in the half-open interval `(now - window, now]`.
/// So a grant made at `t` still counts at `t + window - 1ns` and no longer
/// counts at `t + window`: the slot it took is free again at exactly
/// `t + window`. Grants at equal instants count alike: `rate` calls at the
/// same `now` are all granted, the next one at that `now` is refused.
///
/// **Time going back.** Callers pass `now` in non-decreasing order per
/// thread, but threads read their clocks before they reach the limiter, so a
/// call may come with a `now` earlier than one the limiter was given before.
/// The limiter's clock is the latest `now` it has been given (by any call,
/// granted or refused): an earlier `now` is taken as that latest one, both
/// to judge the call and to record its grant. So grants are kept in order.
///
/// **Memory.** The limiter holds O(`rate`) however many calls it has
/// answered: grants that left the window are forgotten.
///
/// `SlidingWindow` is `Send + Sync`: share it by reference or in an `Arc`.
pub struct SlidingWindow {
    // TODO: the fields (behind a `kata_sync::sync::Mutex`: every method takes `&self`).
}

impl SlidingWindow {
    /// A limiter of `rate` grants per `window`.
    ///
    /// # Panics
    /// If `rate` is 0 (it could never grant) or `window` is zero (it could
    /// never refuse): both are mistakes of the caller, said at construction.
    pub fn new(rate: usize, window: Duration) -> SlidingWindow {
        // TODO
        let _ = (rate, window);
        todo!()
    }

    /// Grants a slot at `now` (returns `true`, and the grant counts from
    /// `now` on) if fewer than `rate` grants lie in `(now - window, now]`;
    /// else returns `false` at once and changes nothing. Never waits for a
    /// slot. A `now` earlier than the latest one given is taken as that
    /// latest one (see the type's documentation).
    pub fn try_acquire(&self, now: Instant) -> bool {
        // TODO
        let _ = now;
        todo!()
    }

    /// Waits until a slot is free and takes it; returns the grant's instant
    /// (`tokio::time::Instant::now()` at the grant).
    ///
    /// The grant comes at the earliest instant the window allows: at once if
    /// a slot is free, else exactly when the oldest grant in the window
    /// leaves it (its instant + `window`), unless another waiter takes that
    /// slot first. No slot stays free while a call waits; the order in which
    /// waiters that wait at the same moment are served is not promised.
    ///
    /// Waiting is asleep, on a tokio timer (`tokio::time::sleep_until`): no
    /// loop of `yield_now` or of short sleeps. Needs a tokio runtime with
    /// timers. The future may be dropped at any `.await` (a timeout around
    /// it): then nothing is granted to it.
    pub async fn acquire(&self) -> Instant {
        // TODO
        todo!()
    }
}
