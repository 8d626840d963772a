//! Known wrong: spin on a load until free, then a plain store: two waiters both take the lock
//! Written blind: check-then-act: spin on load(Acquire) until free, then store(true) -- "the load already saw it free"; two waiters both see free and both take the lock
//! expect-fail: model-lock: without the previous holder's writes happening before

use kata_sync::cell::UnsafeCell;
use kata_sync::hint;
use kata_sync::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use kata_sync::sync::Arc;
use std::ops::{Deref, DerefMut};

pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the flag lets one thread at a time reach the value; T: Send because
// the value is used and may be dropped on whichever thread holds the lock.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        while self.locked.load(Ordering::Acquire) {
            hint::spin_loop();
        }
        self.locked.store(true, Ordering::Relaxed);
        SpinGuard { lock: self }
    }

    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock, so no other thread reaches the value.
        self.lock.value.with(|ptr| unsafe { &*ptr })
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, and &mut self makes this the only reference.
        self.lock.value.with_mut(|ptr| unsafe { &mut *ptr })
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}

const EMPTY: u8 = 0;
const SENT: u8 = 1;
const GONE: u8 = 2;

struct Shared<T> {
    state: AtomicU8,
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the state says who may touch the value: the sender before SENT,
// the receiver after it; T: Send because the value crosses threads.
unsafe impl<T: Send> Sync for Shared<T> {}

pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared { state: AtomicU8::new(EMPTY), value: UnsafeCell::new(None) });
    (Sender { shared: shared.clone() }, Receiver { shared })
}

pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    pub fn send(self, value: T) {
        // SAFETY: before SENT only the sender touches the value.
        self.shared.value.with_mut(|p| unsafe { *p = Some(value) });
        self.shared.state.store(SENT, Ordering::Release);
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let _ = self.shared.state.compare_exchange(EMPTY, GONE, Ordering::Release, Ordering::Relaxed);
    }
}

impl<T> Receiver<T> {
    pub fn recv(self) -> Option<T> {
        loop {
            match self.shared.state.load(Ordering::Acquire) {
                EMPTY => hint::spin_loop(),
                // SAFETY: SENT was stored with Release after the write; the
                // sender never touches the value again.
                SENT => return self.shared.value.with_mut(|p| unsafe { (*p).take() }),
                _ => return None,
            }
        }
    }
}
