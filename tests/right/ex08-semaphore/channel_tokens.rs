//! Known right: the permits are tokens in an mpsc channel; a Permit owns one and sends it back on drop, and a condvar (on the receiver's mutex) wakes whoever waits for one.

use std::time::Duration;

use kata_sync::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use kata_sync::sync::{Condvar, Mutex, MutexGuard};
use kata_sync::time::Instant;

/// A permit, as a value.
struct Token;

pub struct Semaphore {
    /// The free tokens. Taken only under this mutex, which is also the one
    /// waiters sleep on.
    tokens: Mutex<Receiver<Token>>,
    /// Cloned into each permit, so that it can send its token back.
    back: Mutex<Sender<Token>>,
    returned: Condvar,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
    token: Option<Token>,
    back: Sender<Token>,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        let (tx, rx) = mpsc::channel();
        for _ in 0..permits {
            tx.send(Token).expect("the receiver is right here");
        }
        Semaphore {
            tokens: Mutex::new(rx),
            back: Mutex::new(tx),
            returned: Condvar::new(),
        }
    }

    pub fn acquire(&self) -> Permit<'_> {
        let mut tokens = self.tokens();
        loop {
            if let Some(permit) = self.take(&tokens) {
                return permit;
            }
            tokens = self.returned.wait(tokens).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        self.take(&self.tokens())
    }

    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now().checked_add(timeout);
        let mut tokens = self.tokens();
        loop {
            if let Some(permit) = self.take(&tokens) {
                return Some(permit);
            }
            let left = deadline.map_or(Duration::MAX, |d| d.saturating_duration_since(Instant::now()));
            if left.is_zero() {
                return None;
            }
            tokens = match self.returned.wait_timeout(tokens, left) {
                Ok((tokens, _)) => tokens,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// The tokens in the channel, counted by taking them all out and
    /// sending them back, under the receiver's mutex (nobody else can take
    /// one meanwhile).
    pub fn available(&self) -> usize {
        let tokens = self.tokens();
        let mut out = Vec::new();
        while let Ok(token) = tokens.try_recv() {
            out.push(token);
        }
        let count = out.len();
        let back = self.back.lock().unwrap_or_else(|e| e.into_inner());
        for token in out {
            let _ = back.send(token);
        }
        count
    }

    fn take(&self, tokens: &MutexGuard<'_, Receiver<Token>>) -> Option<Permit<'_>> {
        match tokens.try_recv() {
            Ok(token) => Some(Permit {
                semaphore: self,
                token: Some(token),
                back: self.back.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            }),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => None,
        }
    }

    fn tokens(&self) -> MutexGuard<'_, Receiver<Token>> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            let _ = self.back.send(token);
        }
        // Take the receiver's mutex before notifying: a waiter that found
        // the channel empty holds it until it sleeps, so it hears this.
        let _tokens = self.semaphore.tokens();
        self.semaphore.returned.notify_one();
    }
}
