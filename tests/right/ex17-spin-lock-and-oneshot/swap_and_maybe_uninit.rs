//! Known right: a lock taken with `swap(true, Acquire)` (test and test-and-set on
//! a swap), and a one-shot that keeps its value in a `MaybeUninit` with two
//! flags and a hand-written `Drop` for the shared state.

use kata_sync::cell::UnsafeCell;
use kata_sync::sync::atomic::{AtomicBool, Ordering};
use kata_sync::sync::Arc;
use kata_sync::{hint, thread};
use std::mem::MaybeUninit;
use std::ops::{Deref, DerefMut};

pub struct SpinLock<T> {
    held: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: one holder at a time, handed over by Acquire/Release on `held`.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock { held: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        while self.held.swap(true, Ordering::Acquire) {
            while self.held.load(Ordering::Relaxed) {
                thread::yield_now();
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
        // SAFETY: the guard's owner holds the lock.
        self.lock.value.with(|p| unsafe { &*p })
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard's owner holds the lock.
        self.lock.value.with_mut(|p| unsafe { &mut *p })
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.held.store(false, Ordering::Release);
    }
}

struct Slot<T> {
    /// The value is written (and not yet taken).
    full: AtomicBool,
    /// The sender is gone (after sending or not).
    closed: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: the value is written before `full` is released and read only
// after `full` is acquired, once.
unsafe impl<T: Send> Sync for Slot<T> {}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {
        // (loom's atomics have no `get_mut`: a load, alone here anyway.)
        if self.full.load(Ordering::Acquire) {
            // SAFETY: full means written and not taken; `&mut self` is alone.
            unsafe { self.value.get_mut().assume_init_drop() };
        }
    }
}

pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Slot {
        full: AtomicBool::new(false),
        closed: AtomicBool::new(false),
        value: UnsafeCell::new(MaybeUninit::uninit()),
    });
    (Sender { slot: Arc::clone(&slot) }, Receiver { slot })
}

pub struct Sender<T> {
    slot: Arc<Slot<T>>,
}

pub struct Receiver<T> {
    slot: Arc<Slot<T>>,
}

impl<T> Sender<T> {
    pub fn send(self, value: T) {
        // SAFETY: not full yet, and the receiver reads only once it is.
        self.slot.value.with_mut(|p| unsafe { (*p).write(value) });
        self.slot.full.store(true, Ordering::Release);
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.slot.closed.store(true, Ordering::Release);
    }
}

impl<T> Receiver<T> {
    pub fn recv(self) -> Option<T> {
        loop {
            if self.slot.full.load(Ordering::Acquire) {
                // SAFETY: full, seen with Acquire; taken once (full cleared).
                let value = self.slot.value.with(|p| unsafe { (*p).assume_init_read() });
                self.slot.full.store(false, Ordering::Relaxed);
                return Some(value);
            }
            if self.slot.closed.load(Ordering::Acquire) {
                // The sender may have sent just before it went.
                if self.slot.full.load(Ordering::Acquire) {
                    continue;
                }
                return None;
            }
            hint::spin_loop();
        }
    }
}
