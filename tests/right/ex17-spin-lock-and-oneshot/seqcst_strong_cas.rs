//! Known right: everything `SeqCst` (stronger than needed, still right), a lock
//! whose wait loop is a separate helper (`wait_until_free`), and a
//! one-shot that keeps an `Option<T>` and a three-state `AtomicUsize`.

use kata_sync::cell::UnsafeCell;
use kata_sync::hint;
use kata_sync::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use kata_sync::sync::Arc;
use std::ops::{Deref, DerefMut};

pub struct SpinLock<T> {
    taken: AtomicBool,
    cell: UnsafeCell<T>,
}

// SAFETY: the flag admits one holder at a time.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> Self {
        Self { taken: AtomicBool::new(false), cell: UnsafeCell::new(value) }
    }

    fn wait_until_free(&self) {
        while self.taken.load(SeqCst) {
            hint::spin_loop();
        }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        while self.taken.compare_exchange(false, true, SeqCst, SeqCst).is_err() {
            self.wait_until_free();
        }
        SpinGuard { lock: self }
    }

    pub fn into_inner(self) -> T {
        self.cell.into_inner()
    }
}

pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: held.
        self.lock.cell.with(|p| unsafe { &*p })
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: held.
        self.lock.cell.with_mut(|p| unsafe { &mut *p })
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.taken.store(false, SeqCst);
    }
}

const WAITING: usize = 0;
const READY: usize = 1;
const HUNG_UP: usize = 2;

struct Inner<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
}

// SAFETY: written before READY is published, read after it is seen.
unsafe impl<T: Send> Sync for Inner<T> {}

pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner { state: AtomicUsize::new(WAITING), value: UnsafeCell::new(None) });
    (Sender { inner: Some(Arc::clone(&inner)) }, Receiver { inner })
}

pub struct Sender<T> {
    inner: Option<Arc<Inner<T>>>,
}

pub struct Receiver<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Sender<T> {
    pub fn send(mut self, value: T) {
        if let Some(inner) = self.inner.take() {
            // SAFETY: WAITING: the receiver does not touch the value yet.
            inner.value.with_mut(|p| unsafe { *p = Some(value) });
            inner.state.store(READY, SeqCst);
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            inner.state.store(HUNG_UP, SeqCst);
        }
    }
}

impl<T> Receiver<T> {
    pub fn recv(self) -> Option<T> {
        let mut state = self.inner.state.load(SeqCst);
        while state == WAITING {
            hint::spin_loop();
            state = self.inner.state.load(SeqCst);
        }
        if state == READY {
            // SAFETY: READY seen: the sender is done with the value.
            self.inner.value.with_mut(|p| unsafe { (*p).take() })
        } else {
            None
        }
    }
}
