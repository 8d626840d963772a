//! Known right: a swap lock that spins on a load first (loom gives up on it: inconclusive); a one-shot with two AtomicBools.
//! Written blind: right: swap-based lock that spins on a load and swaps only when it saw the flag free; oneshot with two AtomicBools (ready, sender_gone) and a Sender holding Option<Arc> taken by send

use kata_sync::cell::UnsafeCell;
use kata_sync::hint;
use kata_sync::sync::atomic::{AtomicBool, Ordering};
use kata_sync::sync::Arc;
use std::ops::{Deref, DerefMut};

pub struct SpinLock<T> {
    held: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: `held` admits one thread at a time to `value`; `T: Send` because the
// value is used (and maybe dropped) on whichever thread holds the lock.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock { held: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        loop {
            // Only read while it is held.
            while self.held.load(Ordering::Relaxed) {
                hint::spin_loop();
            }
            // It looked free: one try.
            if !self.held.swap(true, Ordering::Acquire) {
                return SpinGuard { lock: self };
            }
            hint::spin_loop();
        }
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
        // SAFETY: this guard holds the lock.
        self.lock.value.with(|p| unsafe { &*p })
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the lock and is borrowed mutably.
        self.lock.value.with_mut(|p| unsafe { &mut *p })
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.held.store(false, Ordering::Release);
    }
}

struct Slot<T> {
    ready: AtomicBool,
    sender_gone: AtomicBool,
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the sender writes `value` only before `ready` (Release), the receiver
// reads it only after seeing `ready` (Acquire); `T: Send` as it crosses threads.
unsafe impl<T: Send> Sync for Slot<T> {}

pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Slot {
        ready: AtomicBool::new(false),
        sender_gone: AtomicBool::new(false),
        value: UnsafeCell::new(None),
    });
    (Sender { slot: Some(slot.clone()) }, Receiver { slot })
}

pub struct Sender<T> {
    slot: Option<Arc<Slot<T>>>,
}

pub struct Receiver<T> {
    slot: Arc<Slot<T>>,
}

impl<T> Sender<T> {
    pub fn send(mut self, value: T) {
        if let Some(slot) = self.slot.take() {
            // SAFETY: nobody reads the value before `ready`.
            slot.value.with_mut(|p| unsafe { *p = Some(value) });
            slot.ready.store(true, Ordering::Release);
        }
        // `self` drops with `slot == None`: its Drop does nothing.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            slot.sender_gone.store(true, Ordering::Release);
        }
    }
}

impl<T> Receiver<T> {
    pub fn recv(self) -> Option<T> {
        loop {
            if self.slot.ready.load(Ordering::Acquire) {
                // SAFETY: `ready` was seen with Acquire; the sender is done.
                return self.slot.value.with_mut(|p| unsafe { (*p).take() });
            }
            if self.slot.sender_gone.load(Ordering::Acquire) {
                // A sender that sent never sets `sender_gone`, but check again
                // anyway: nothing can change after the sender is gone.
                if self.slot.ready.load(Ordering::Acquire) {
                    // SAFETY: as above.
                    return self.slot.value.with_mut(|p| unsafe { (*p).take() });
                }
                return None;
            }
            hint::spin_loop();
        }
    }
}
