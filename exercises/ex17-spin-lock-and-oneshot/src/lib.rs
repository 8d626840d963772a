//! # ex17 · Spin lock and one-shot channel
//!
//! Goal: build two small synchronisation primitives yourself, out of one
//! atomic and one `UnsafeCell` each, and get their memory orderings right:
//!
//! 1. `SpinLock<T>`: a mutual-exclusion lock that waits by spinning. `lock`
//!    returns a guard that derefs to the value and unlocks when dropped;
//! 2. `oneshot::<T>()`: a channel that carries exactly one value from a
//!    `Sender` to a `Receiver`, and tells the receiver when the sender went
//!    away without sending.
//!
//! Both keep a value in an `UnsafeCell` and let several threads reach it, so
//! both need `unsafe`: an `unsafe impl Sync` that promises the compiler no
//! two threads touch the value at once, and `unsafe` blocks that read and
//! write it through the cell's raw pointer. The atomic keeps that promise,
//! and its orderings are what make one thread's writes visible to the next:
//! the thread that hands the value over stores with `Release`, the thread
//! that takes it loads with `Acquire`. `Relaxed` there compiles, passes
//! every test you can run on an x86 laptop, and is wrong.
//!
//! Import the atomics, `Arc`, `hint`, `thread` and the `UnsafeCell` from
//! `kata_sync` (not `std`): the grader runs this crate under loom, which
//! tries every interleaving of its scenarios' threads (the caller and one
//! or two more, up to 2 preemptions) and models the memory orderings, and it
//! only sees what comes from the facade.
//! `kata_sync::cell::UnsafeCell` has loom's API: `with(|ptr| ..)` reads
//! through a `*const T`, `with_mut(|ptr| ..)` writes through a `*mut T`,
//! and under loom each of those is an access it checks: one that is not
//! ordered after the previous thread's (happens-before) fails as a data race.
//!
//! Every wait loop calls `hint::spin_loop()` (or `thread::yield_now()`) on
//! each turn: on a CPU it is the "I am spinning" instruction; under loom it
//! lets the other threads run, and without it loom gives up on the loop.
//!
//! What `kata check ex17` verifies:
//! - on real threads: the lock counts exactly with 1 to 4 threads, never has
//!   two holders at once (a gauge inside the guard), and `into_inner` gives
//!   the value back; the channel hands a value over, whether the receiver
//!   comes first or last, and `recv` returns `None` when the sender is
//!   dropped without sending, early or late;
//! - on every path the value is dropped exactly once: sent and received,
//!   sent and never received, never sent, a lock dropped with its value
//!   (the checks' values count their own drops);
//! - under loom, in every interleaving: the lock excludes and its unlock
//!   publishes the holder's writes (a `Relaxed` unlock fails, with the
//!   interleaving that shows it); the channel's value is seen whole by the
//!   receiver (a `Relaxed` "ready" store fails the same way), exactly once;
//! - the lock's wait loop spins on a load: `lock` reads the flag with
//!   `load` while it is taken and tries to take it only when it looks free
//!   (read from your crate's source: a compare-exchange or swap in a tight
//!   loop writes the flag's cache line on every try, which takes the line
//!   away from the holder and slows the very thread you wait for);
//! - `SpinLock<T>` is `Sync`, and the channel's ends are `Send`, exactly
//!   when `T` is `Send` (read from the types: no `T: Send` bound lets an
//!   `Rc` cross threads; a `T: Sync` bound forbids a lock of a `Cell`).
//!
//! What it cannot see: the spin check reads the code, not the machine: it
//! sees that `lock` loads the flag, not that the load is the loop you wait
//! in. Under loom the exploration is bounded (2-3 threads, 2 preemptions),
//! and loom cannot finish a lock whose waiters retry a `swap` (each try is a
//! write, so its search never ends): the model check of the lock then says
//! "inconclusive" and the real-thread checks decide. Fairness is not
//! checked: a spin lock is not fair, and that is allowed.
//!
//! Read: book/src/exercises/ex17-spin-lock-and-oneshot.md
//! Check: cargo kata check ex17

// The unused imports are the ones you will need; remove this line when done.
#![allow(unused_imports)]

use kata_sync::cell::UnsafeCell;
use kata_sync::hint;
use kata_sync::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use kata_sync::sync::Arc;
use std::ops::{Deref, DerefMut};

/// A lock that waits by spinning: a flag (`true` while held) and the value.
///
/// Any number of threads may call `lock` at once through a shared
/// reference (share it with `Arc`); one at a time gets the guard, the others
/// spin until it is dropped. Not reentrant: a thread that calls `lock`
/// again while it holds the guard spins forever. No poisoning: a holder
/// that panics unlocks as its guard drops, and the next one gets the value
/// as it was left.
pub struct SpinLock<T> {
    // TODO: the fields. A flag and the value, e.g.
    // `locked: AtomicBool` and `value: UnsafeCell<T>`.
    _todo: std::marker::PhantomData<T>,
}

// TODO: `unsafe impl<T: Send> Sync for SpinLock<T> {}`, with a `// SAFETY:`
// comment that says why: the flag lets one thread at a time reach the value,
// and `T: Send` because the value is used (and may be dropped) on whichever
// thread holds it. (`Send` comes by itself when `T: Send`.)

impl<T> SpinLock<T> {
    /// An unlocked lock holding `value`.
    pub fn new(value: T) -> SpinLock<T> {
        // TODO
        let _ = value;
        todo!()
    }

    /// Waits until the lock is free, takes it, and returns the guard. Each
    /// turn of the wait calls `hint::spin_loop()`. Spin on a load: while
    /// the flag says "held", only read it; try to take it (one
    /// `compare_exchange`, or a `swap`) only when a read saw it free.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        // TODO: taking the lock is an `Acquire`: it must see everything the
        // last holder wrote before it unlocked.
        todo!()
    }

    /// The value, taking the lock apart (no other thread can hold it: this
    /// takes the lock by value).
    pub fn into_inner(self) -> T {
        // TODO
        todo!()
    }
}

/// Proof that its owner holds the lock: reach the value through it with
/// `*guard` (`Deref` / `DerefMut`); dropping it unlocks.
pub struct SpinGuard<'a, T> {
    // TODO: what the guard needs to reach the lock.
    _todo: std::marker::PhantomData<&'a SpinLock<T>>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // TODO: `self.lock.value.with(|ptr| unsafe { &*ptr })`, with a
        // `// SAFETY:` comment.
        todo!()
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // TODO: the same through `with_mut`.
        todo!()
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // TODO: unlock. This is a `Release`: it publishes what the holder
        // wrote to the next thread that takes the lock.
    }
}

/// A channel for one value: a `Sender` and a `Receiver`, each usable once,
/// each free to live on its own thread (`T: Send`).
///
/// - `tx.send(v)` puts `v` in the channel and returns at once (it never
///   waits for the receiver);
/// - `rx.recv()` waits (spinning, with `hint::spin_loop()` each turn) until
///   the value is there and returns `Some(v)`, or returns `None` once the
///   sender has been dropped without sending; a value already sent is
///   received even if the sender is gone by then;
/// - the value is dropped exactly once whatever happens: by the receiver's
///   caller after `recv`, or, if it is sent and never received (the
///   receiver dropped without `recv`), once both ends are gone.
pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    // TODO: one shared state for both ends, e.g. an `Arc` of a struct with
    // an `AtomicU8` (empty / sent / sender gone) and an
    // `UnsafeCell<Option<T>>` for the value; it needs an `unsafe impl Sync`
    // of its own, with its reason.
    todo!()
}

/// The sending end of [`oneshot`].
pub struct Sender<T> {
    // TODO
    _todo: std::marker::PhantomData<T>,
}

/// The receiving end of [`oneshot`].
pub struct Receiver<T> {
    // TODO
    _todo: std::marker::PhantomData<T>,
}

impl<T> Sender<T> {
    /// Sends `value`: writes it, then says "sent" with a `Release` store,
    /// which is what makes the write visible to a receiver that sees
    /// "sent" with an `Acquire` load. Never waits.
    pub fn send(self, value: T) {
        // TODO
        let _ = value;
        todo!()
    }
}

// TODO: `impl<T> Drop for Sender<T>`: a sender dropped without sending tells
// the receiver, which then returns `None`. (`send` takes `self`, so this
// drop runs after a send too: it must not undo the "sent".)

impl<T> Receiver<T> {
    /// Waits for the value: `Some(value)` once it is sent, `None` if the
    /// sender was dropped without sending.
    pub fn recv(self) -> Option<T> {
        // TODO: spin (`hint::spin_loop()`) on an `Acquire` load of the state
        // while it is "empty"; then take the value out of the cell.
        todo!()
    }
}
