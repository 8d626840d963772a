//! Known wrong: a MaybeUninit one-shot with no Drop on the shared state: a value sent and never received leaks
//! Written blind: ticket lock + oneshot value in MaybeUninit with no Drop for the shared state ("MaybeUninit is just storage") -- a value sent but never received is never dropped (leak)
//! expect-fail: model-oneshot: was not dropped exactly once

use kata_sync::cell::UnsafeCell;
use kata_sync::hint;
use kata_sync::sync::atomic::{fence, AtomicU8, AtomicUsize, Ordering};
use kata_sync::sync::Arc;
use std::mem::MaybeUninit;
use std::ops::{Deref, DerefMut};

pub struct SpinLock<T> {
    next_ticket: AtomicUsize,
    now_serving: AtomicUsize,
    value: UnsafeCell<T>,
}

// SAFETY: only the thread whose ticket is being served reaches `value`;
// `T: Send` because it is used and may be dropped on any holder's thread.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock {
            next_ticket: AtomicUsize::new(0),
            now_serving: AtomicUsize::new(0),
            value: UnsafeCell::new(value),
        }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        // Spin on a load: only read `now_serving` until it is our turn.
        while self.now_serving.load(Ordering::Relaxed) != ticket {
            hint::spin_loop();
        }
        // Pairs with the Release in the previous holder's unlock.
        fence(Ordering::Acquire);
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
        // SAFETY: our ticket is being served.
        self.lock.value.with(|p| unsafe { &*p })
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: our ticket is being served and the guard is borrowed mutably.
        self.lock.value.with_mut(|p| unsafe { &mut *p })
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // Only the holder writes `now_serving`; Release publishes its writes.
        self.lock.now_serving.fetch_add(1, Ordering::Release);
    }
}

const EMPTY: u8 = 0;
const READY: u8 = 1;
const DONE: u8 = 2; // taken by the receiver, or the sender left without sending

struct Chan<T> {
    state: AtomicU8,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: `state` hands the value from sender to receiver; `T: Send`.
unsafe impl<T: Send> Sync for Chan<T> {}


pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    let chan = Arc::new(Chan { state: AtomicU8::new(EMPTY), value: UnsafeCell::new(MaybeUninit::uninit()) });
    (Sender { chan: chan.clone(), sent: false }, Receiver { chan })
}

pub struct Sender<T> {
    chan: Arc<Chan<T>>,
    sent: bool,
}

pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    pub fn send(mut self, value: T) {
        // SAFETY: the receiver reads the value only after READY.
        self.chan.value.with_mut(|p| unsafe { (*p).write(value) });
        fence(Ordering::Release);
        self.chan.state.store(READY, Ordering::Relaxed);
        self.sent = true;
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if !self.sent {
            // Nothing was written, so there is nothing to publish.
            self.chan.state.store(DONE, Ordering::Relaxed);
        }
    }
}

impl<T> Receiver<T> {
    pub fn recv(self) -> Option<T> {
        loop {
            match self.chan.state.load(Ordering::Relaxed) {
                EMPTY => hint::spin_loop(),
                READY => {
                    // Pairs with the sender's Release fence.
                    fence(Ordering::Acquire);
                    // SAFETY: READY was seen after the fence: the value is
                    // written; marking DONE means Chan's Drop leaves it alone.
                    let v = self.chan.value.with(|p| unsafe { (*p).assume_init_read() });
                    self.chan.state.store(DONE, Ordering::Relaxed);
                    return Some(v);
                }
                _ => return None,
            }
        }
    }
}
