//! Known right: test-and-test-and-set with a strong compare_exchange, Acquire/Release as fences; a four-state one-shot.
//! Written blind: right: test-and-test-and-set with a strong compare_exchange tried only after a Relaxed load saw it free, Acquire/Release as fences around Relaxed atomics; oneshot AtomicU8 with four states (empty/sent/gone/taken), sender drop CAS empty->gone

use kata_sync::cell::UnsafeCell;
use kata_sync::hint;
use kata_sync::sync::atomic::{fence, AtomicBool, AtomicU8, Ordering};
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
        loop {
            // Test: read until it looks free.
            if !self.locked.load(Ordering::Relaxed) {
                // And set: one strong compare-exchange; Relaxed, the fence below acquires.
                if self
                    .locked
                    .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
                {
                    fence(Ordering::Acquire);
                    break;
                }
            }
            hint::spin_loop();
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
        fence(Ordering::Release);
        self.lock.locked.store(false, Ordering::Relaxed);
    }
}

const EMPTY: u8 = 0;
const SENT: u8 = 1;
const GONE: u8 = 2;
const TAKEN: u8 = 3;

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
                SENT => {
                    // SAFETY: SENT seen with Acquire after the sender's Release.
                    let v = self.shared.value.with_mut(|p| unsafe { (*p).take() });
                    self.shared.state.store(TAKEN, Ordering::Relaxed);
                    return v;
                }
                _ => return None,
            }
        }
    }
}
