//! Known wrong: `unsafe impl<T: Send + Sync> Sync`: safe, but a lock of a Send-only T (a Cell) cannot be shared, which is what a lock is for.
//! expect-fail: send-and-sync: bound the `unsafe impl Sync` by `T: Send`, not `T: Sync`

use kata_sync::cell::UnsafeCell;
use kata_sync::hint;
use kata_sync::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use kata_sync::sync::Arc;
use std::ops::{Deref, DerefMut};

/// A lock that waits by spinning: a flag (`true` while held) and the value.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: `value` is reached only through a `SpinGuard`, and a guard exists
// only for the one thread that set `locked` from false to true, until that
// guard sets it back; the Acquire/Release pair orders one holder's accesses
// before the next one's. `T: Send` because each holder uses (and may
// replace, and so drop) the value on its own thread.
unsafe impl<T: Send + Sync> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// An unlocked lock holding `value`.
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Waits until the lock is free, takes it, and returns the guard.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        loop {
            // Ordering: Acquire on success, to see everything the previous
            // holder wrote before its Release; a failure takes nothing.
            if self
                .locked
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return SpinGuard { lock: self };
            }
            // Ordering: Relaxed, it only decides when to try again.
            while self.locked.load(Ordering::Relaxed) {
                hint::spin_loop();
            }
        }
    }

    /// The value, taking the lock apart.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// Proof that its owner holds the lock; dropping it unlocks.
pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard's owner holds the lock, so no other thread
        // writes the value while the borrow (tied to the guard) lives.
        self.lock.value.with(|ptr| unsafe { &*ptr })
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only borrow
        // through this guard.
        self.lock.value.with_mut(|ptr| unsafe { &mut *ptr })
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // Ordering: Release, publishing this holder's writes to the next
        // thread whose Acquire exchange sees `false`.
        self.lock.locked.store(false, Ordering::Release);
    }
}

const EMPTY: u8 = 0;
const SENT: u8 = 1;
const GONE: u8 = 2;

/// What both ends share.
struct Shared<T> {
    state: AtomicU8,
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the sender writes `value` only while `state` is EMPTY, before its
// Release store of SENT; the receiver reads it only after an Acquire load
// saw SENT, and the sender never touches it again. So the two accesses are
// ordered and never overlap. `T: Send`: the value moves from the sender's
// thread to the receiver's (or to whichever drops the last end).
unsafe impl<T: Send> Sync for Shared<T> {}

/// A channel for one value.
pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: AtomicU8::new(EMPTY),
        value: UnsafeCell::new(None),
    });
    (
        Sender {
            shared: Arc::clone(&shared),
        },
        Receiver { shared },
    )
}

/// The sending end of [`oneshot`].
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// The receiving end of [`oneshot`].
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Sends `value`; never waits.
    pub fn send(self, value: T) {
        // SAFETY: the state is EMPTY (this is the only sender, and it has
        // not sent), so the receiver does not read the cell yet.
        self.shared
            .value
            .with_mut(|ptr| unsafe { *ptr = Some(value) });
        // Ordering: Release, so a receiver that sees SENT sees the value.
        self.shared.state.store(SENT, Ordering::Release);
        // `self` drops here: its `Drop` finds SENT and leaves it.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // EMPTY -> GONE only: after a send the state is SENT and stays so.
        // Ordering: Release, the sender's last word (it carries no data).
        let _ =
            self.shared
                .state
                .compare_exchange(EMPTY, GONE, Ordering::Release, Ordering::Relaxed);
    }
}

impl<T> Receiver<T> {
    /// Waits for the value: `Some` once sent, `None` if the sender was
    /// dropped without sending.
    pub fn recv(self) -> Option<T> {
        loop {
            // Ordering: Acquire, so that after SENT the sender's write of
            // the value is visible.
            match self.shared.state.load(Ordering::Acquire) {
                EMPTY => hint::spin_loop(),
                // SAFETY: SENT, seen with Acquire: the sender's write
                // happened before this, and it never touches the cell again.
                SENT => return self.shared.value.with_mut(|ptr| unsafe { (*ptr).take() }),
                _ => return None,
            }
        }
    }
}
