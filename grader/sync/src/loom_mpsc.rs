//! `std::sync::mpsc` for the loom build, written on loom's `Mutex` and
//! `Condvar`.
//!
//! loom's own `mpsc` is a stub: no `sync_channel`, a `Receiver` that is no
//! iterator, and a `recv` that never learns that every sender is gone (it
//! waits, and loom reports a deadlock). Code written for std (`while let
//! Ok(n) = rx.recv()`, `for n in rx`, a bounded `sync_channel`) then fails to
//! build or hangs under loom though it is right (issue: "a bounded
//! sync_channel accepted by the technique check but absent from the loom
//! build"). This one behaves as std's: `recv` fails once the queue is empty
//! and every sender dropped, `send` fails once the receiver dropped, a
//! `sync_channel(n)` holds at most `n` messages (and `sync_channel(0)` hands
//! each one over in a rendezvous). A timed receive waits like `recv`: the
//! model has no clock.

use loom::sync::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

pub use std::sync::mpsc::{RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError};

struct State<T> {
    queue: VecDeque<T>,
    senders: usize,
    receiver: bool,
    /// `None` for `channel()`; a bound for `sync_channel`.
    bound: Option<usize>,
    /// Messages sent and messages received so far: a rendezvous sender waits
    /// until its message is taken.
    sent: u64,
    taken: u64,
    /// Receivers blocked in `recv` (a rendezvous `try_send` needs one).
    receiving: usize,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

impl<T> Shared<T> {
    fn lock(&self) -> loom::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'a>(
        &self,
        guard: loom::sync::MutexGuard<'a, State<T>>,
    ) -> loom::sync::MutexGuard<'a, State<T>> {
        self.changed.wait(guard).unwrap_or_else(|e| e.into_inner())
    }

    /// Sends `message`, waiting for room if the channel is bounded.
    fn send(&self, message: T) -> Result<(), SendError<T>> {
        let mut state = self.lock();
        let room = state.bound.map_or(usize::MAX, |bound| bound.max(1));
        while state.receiver && state.queue.len() >= room {
            state = self.wait(state);
        }
        if !state.receiver {
            return Err(SendError(message));
        }
        state.queue.push_back(message);
        state.sent += 1;
        let ticket = state.sent;
        self.changed.notify_all();
        if state.bound == Some(0) {
            // A rendezvous: the message is handed over, not left behind.
            while state.receiver && state.taken < ticket {
                state = self.wait(state);
            }
        }
        Ok(())
    }

    fn add_sender(&self) {
        self.lock().senders += 1;
    }

    fn drop_sender(&self) {
        let mut state = self.lock();
        state.senders -= 1;
        self.changed.notify_all();
    }
}

fn new<T>(bound: Option<usize>) -> Arc<Shared<T>> {
    Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            senders: 1,
            receiver: true,
            bound,
            sent: 0,
            taken: 0,
            receiving: 0,
        }),
        changed: Condvar::new(),
    })
}

/// An unbounded channel, as `std::sync::mpsc::channel`.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = new(None);
    (Sender { shared: Arc::clone(&shared) }, Receiver { shared })
}

/// A channel holding at most `bound` messages, as
/// `std::sync::mpsc::sync_channel` (0: each send waits for its receive).
pub fn sync_channel<T>(bound: usize) -> (SyncSender<T>, Receiver<T>) {
    let shared = new(Some(bound));
    (SyncSender { shared: Arc::clone(&shared) }, Receiver { shared })
}

/// The sending half of [`channel`].
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Sends a message.
    ///
    /// # Errors
    /// The message back, if the receiver is gone.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        self.shared.send(message)
    }
}

/// The sending half of [`sync_channel`].
pub struct SyncSender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> SyncSender<T> {
    /// Sends a message, waiting for room.
    ///
    /// # Errors
    /// The message back, if the receiver is gone.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        self.shared.send(message)
    }

    /// Sends a message if there is room now (for a rendezvous channel: if a
    /// receiver is waiting).
    ///
    /// # Errors
    /// `Full` or `Disconnected`, with the message.
    pub fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        let mut state = self.shared.lock();
        if !state.receiver {
            return Err(TrySendError::Disconnected(message));
        }
        let room = match state.bound {
            Some(0) => state.receiving.saturating_sub(state.queue.len()),
            Some(bound) => bound.saturating_sub(state.queue.len()),
            None => usize::MAX,
        };
        if room == 0 {
            return Err(TrySendError::Full(message));
        }
        state.queue.push_back(message);
        state.sent += 1;
        self.shared.changed.notify_all();
        Ok(())
    }
}

macro_rules! sender_traits {
    ($sender:ident) => {
        impl<T> Clone for $sender<T> {
            fn clone(&self) -> $sender<T> {
                self.shared.add_sender();
                $sender { shared: Arc::clone(&self.shared) }
            }
        }

        impl<T> Drop for $sender<T> {
            fn drop(&mut self) {
                self.shared.drop_sender();
            }
        }

        impl<T> std::fmt::Debug for $sender<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($sender)).finish_non_exhaustive()
            }
        }
    };
}

sender_traits!(Sender);
sender_traits!(SyncSender);

/// The receiving half of a channel.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Receiver<T> {
    /// Waits for a message.
    ///
    /// # Errors
    /// Once the queue is empty and every sender is gone.
    pub fn recv(&self) -> Result<T, RecvError> {
        let mut state = self.shared.lock();
        state.receiving += 1;
        self.shared.changed.notify_all();
        let received = loop {
            if let Some(message) = state.queue.pop_front() {
                state.taken += 1;
                break Ok(message);
            }
            if state.senders == 0 {
                break Err(RecvError);
            }
            state = self.shared.wait(state);
        };
        state.receiving -= 1;
        self.shared.changed.notify_all();
        received
    }

    /// A message if one is queued now.
    ///
    /// # Errors
    /// `Empty`, or `Disconnected` once every sender is gone.
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut state = self.shared.lock();
        match state.queue.pop_front() {
            Some(message) => {
                state.taken += 1;
                self.shared.changed.notify_all();
                Ok(message)
            }
            None if state.senders == 0 => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// [`Receiver::recv`]: the model has no clock, so it never times out.
    ///
    /// # Errors
    /// `Disconnected` once the queue is empty and every sender is gone.
    pub fn recv_timeout(&self, _timeout: Duration) -> Result<T, RecvTimeoutError> {
        self.recv().map_err(|RecvError| RecvTimeoutError::Disconnected)
    }

    /// Every message, waiting for each, until every sender is gone.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { receiver: self }
    }

    /// The messages queued now.
    pub fn try_iter(&self) -> TryIter<'_, T> {
        TryIter { receiver: self }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.receiver = false;
        self.shared.changed.notify_all();
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

/// [`Receiver::iter`].
pub struct Iter<'a, T> {
    receiver: &'a Receiver<T>,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

/// [`Receiver::try_iter`].
pub struct TryIter<'a, T> {
    receiver: &'a Receiver<T>,
}

impl<T> Iterator for TryIter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.receiver.try_recv().ok()
    }
}

/// `for message in receiver`.
pub struct IntoIter<T> {
    receiver: Receiver<T>,
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        IntoIter { receiver: self }
    }
}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(test: impl Fn() + Send + Sync + 'static) {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(2);
        builder.check(test);
    }

    #[test]
    fn recv_ends_once_every_sender_is_gone() {
        model(|| {
            let (tx, rx) = channel::<u32>();
            let workers: Vec<_> = (0..2)
                .map(|i| {
                    let tx = tx.clone();
                    loom::thread::spawn(move || tx.send(i).unwrap())
                })
                .collect();
            drop(tx);
            let total: u32 = rx.iter().sum();
            assert_eq!(total, 1);
            for worker in workers {
                worker.join().unwrap();
            }
        });
    }

    #[test]
    fn a_bounded_channel_holds_its_bound_and_a_rendezvous_hands_over() {
        model(|| {
            let (tx, rx) = sync_channel::<u32>(1);
            tx.send(1).unwrap();
            assert!(matches!(tx.try_send(2), Err(TrySendError::Full(2))));
            assert_eq!(rx.recv(), Ok(1));
            let (tx, rx) = sync_channel::<u32>(0);
            let sender = loom::thread::spawn(move || {
                tx.send(7).unwrap();
                // Past its send only once the message was taken.
            });
            assert_eq!(rx.recv(), Ok(7));
            sender.join().unwrap();
            assert_eq!(rx.recv(), Err(RecvError));
        });
    }

    #[test]
    fn send_fails_once_the_receiver_is_gone() {
        model(|| {
            let (tx, rx) = channel::<u32>();
            drop(rx);
            assert_eq!(tx.send(3), Err(SendError(3)));
        });
    }
}
