//! The sync facade: what the race exercises import instead of `std::sync`
//! and `std::thread`.
//!
//! In a normal build these are std's own types. In the grader's
//! model-checking builds they are shuttle's (`--cfg kata_shuttle`) or loom's
//! (`--cfg kata_loom`): the same code then runs under a scheduler that tries
//! many interleavings of its threads on purpose, and reports the one that
//! breaks it. That only works if the code's every lock, atomic and thread
//! comes from here: a `std::sync::Mutex` is invisible to the model checker
//! (and, inside it, can hang the whole run), which is why the grader rejects
//! code that reaches past the facade.
//!
//! Only what all three provide is promised: `sync::{Arc, Mutex, RwLock,
//! Condvar, atomic, mpsc}`, `thread::{spawn, JoinHandle, yield_now,
//! current}`, `hint::spin_loop` and [`cell::UnsafeCell`] (loom's closure API
//! in every build, so `unsafe` code is race-checked under loom). `thread::scope` and `sync::Barrier` exist with std and shuttle,
//! not loom. With std and shuttle (not loom) there is also `time::Instant`,
//! `thread::sleep` and `Condvar::wait_timeout`: under shuttle they run on the
//! model's clock, and the `Condvar` wakes spuriously and times out at moments
//! the scheduler picks, as a real one may (see `modelled`).
//!
//! Two of them are the facade's own, over the backend's: `Mutex` (with its
//! guard and `Condvar`) counts its acquisitions and, under a model checker,
//! tells who holds and who waits ([`tally`], `watch`); and under loom,
//! `mpsc` is written here, because loom's is a stub (no `sync_channel`, no
//! iterator, a `recv` that never sees the senders go).

#[cfg(all(kata_shuttle, kata_loom))]
compile_error!("build with one model checker at a time: --cfg kata_shuttle or --cfg kata_loom");

#[cfg(not(any(kata_shuttle, kata_loom)))]
pub use std::{hint, thread};

#[cfg(not(any(kata_shuttle, kata_loom)))]
pub use std::time;

#[cfg(kata_shuttle)]
pub use shuttle::hint;

#[cfg(kata_shuttle)]
mod modelled;

/// shuttle's `thread`, with a `sleep` on the model's clock.
#[cfg(kata_shuttle)]
pub mod thread {
    pub use crate::modelled::sleep;
    pub use shuttle::thread::*;
}

/// The model's clock.
#[cfg(kata_shuttle)]
pub mod time {
    pub use crate::modelled::Instant;
    pub use std::time::Duration;
}

#[cfg(kata_loom)]
pub use loom::{hint, thread};

/// The backend's `sync`, with the facade's `Mutex`, `MutexGuard`, `Condvar`
/// and (under loom) `mpsc` in place of its own.
pub mod sync {
    #[cfg(not(any(kata_shuttle, kata_loom)))]
    pub use std::sync::*;

    #[cfg(kata_shuttle)]
    pub use shuttle::sync::*;

    #[cfg(kata_loom)]
    pub use loom::sync::*;

    pub use crate::lock::{Condvar, Mutex, MutexGuard, WaitTimeoutResult};

    /// The facade's `Mutex` poisons the std way in every build, so its
    /// errors are std's, under a model checker too (whose own `sync` has
    /// none of these names).
    #[cfg(any(kata_shuttle, kata_loom))]
    pub use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

    #[cfg(kata_loom)]
    pub use crate::loom_mpsc as mpsc;
}

pub mod cell;
mod lock;
#[cfg(kata_loom)]
#[doc(hidden)]
pub mod loom_mpsc;
pub mod tally;

#[cfg(any(kata_shuttle, kata_loom))]
pub mod model;
#[cfg(any(kata_shuttle, kata_loom))]
pub mod watch;

/// Which model checker this build runs under, if any: `"shuttle"`, `"loom"`
/// or `None` for a normal build.
pub const MODEL: Option<&str> = if cfg!(kata_shuttle) {
    Some("shuttle")
} else if cfg!(kata_loom) {
    Some("loom")
} else {
    None
};
