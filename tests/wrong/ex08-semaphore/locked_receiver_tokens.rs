//! Known wrong: permits as tokens in a sync_channel whose Receiver sits behind a Mutex: a waiter blocked in recv() holds that lock, try_acquire and acquire_timeout block behind it, and recv_timeout is a wait the model checker cannot time out.
//! Written blind: permits as tokens in a sync_channel, the Receiver shared behind a Mutex ("a channel is a queue of permits, Go-style"): an acquirer blocked in recv() holds the receiver's lock, so try_acquire and acquire_timeout block behind it, and the separate counter behind available() lags the tokens.
//! expect-fail: model-timeout-on-time: build the wait on the facade's `Condvar`
//! expect-fail: waiting-sleeps: the waiting thread keeps the lock while it sleeps

use std::time::Duration;

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::mpsc::{self, Receiver, SyncSender};
use kata_sync::sync::Mutex;

pub struct Semaphore {
    tokens: Mutex<Receiver<()>>,
    giver: Mutex<SyncSender<()>>,
    free: AtomicUsize,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        let (giver, tokens) = mpsc::sync_channel(permits);
        for _ in 0..permits {
            giver.send(()).unwrap();
        }
        Semaphore {
            tokens: Mutex::new(tokens),
            giver: Mutex::new(giver),
            free: AtomicUsize::new(permits),
        }
    }

    fn took(&self) -> Permit<'_> {
        self.free.fetch_sub(1, Ordering::SeqCst);
        Permit { semaphore: self }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let tokens = self.tokens.lock().unwrap();
        tokens.recv().unwrap();
        drop(tokens);
        self.took()
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let tokens = self.tokens.lock().unwrap();
        tokens.try_recv().ok()?;
        drop(tokens);
        Some(self.took())
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let tokens = self.tokens.lock().unwrap();
        tokens.recv_timeout(timeout).ok()?;
        drop(tokens);
        Some(self.took())
    }

    pub fn available(&self) -> usize {
        self.free.load(Ordering::SeqCst)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.free.fetch_add(1, Ordering::SeqCst);
        let _ = self.semaphore.giver.lock().unwrap().send(());
    }
}
