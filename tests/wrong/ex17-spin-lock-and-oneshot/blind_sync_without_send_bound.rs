//! Known wrong: `unsafe impl<T> Sync` (and Send) with no `T: Send` bound: an `Rc` could be shared and dropped on another thread.
//! Written blind: unsafe impl<T> Sync for SpinLock<T> and Shared<T> with no T: Send bound ("the lock makes any T safe") -- lets a !Send value like Rc be used and dropped on another thread
//! expect-fail: send-and-sync: race on its counts

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
unsafe impl<T> Sync for SpinLock<T> {}
unsafe impl<T> Send for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        loop {
            if self
                .locked
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                break;
            }
            while self.locked.load(Ordering::Relaxed) {
                hint::spin_loop();
            }
        }
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
unsafe impl<T> Sync for Shared<T> {}
unsafe impl<T> Send for Shared<T> {}

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
