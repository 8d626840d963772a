//! Known wrong: a take never wakes a putter: putters sleep next to free room.
//! expect-fail: model-no-lost-wake-up: a thread slept for ever

//! ex11 · A bounded blocking queue: the reference solution.
//!
//! One mutex guards the items (a `VecDeque`: push at the back, pop at the
//! front); two condvars are where the two kinds of waiter sleep: putters on
//! `not_full` (waiting for room), takers on `not_empty` (waiting for an
//! item). Every decision ("is there room? then it is mine") is made under
//! that one mutex, and every change is announced, under it too, to the side
//! that the change lets go on.

use std::collections::VecDeque;
use std::time::Duration;

use kata_sync::sync::{Condvar, Mutex, MutexGuard};
// The facade's clock: std's, except under the model checker, where a
// timeout moves the model's clock to its deadline.
use kata_sync::time::Instant;

pub struct BoundedQueue<T> {
    /// The items, oldest at the front. Never longer than `capacity`: only a
    /// thread that saw it shorter, in the same lock scope, pushes.
    items: Mutex<VecDeque<T>>,
    /// Fixed at `new`: read without the lock.
    capacity: usize,
    /// Notified once per item taken out (one more place free).
    not_full: Condvar,
    /// Notified once per item put in.
    not_empty: Condvar,
}

impl<T> BoundedQueue<T> {
    pub fn new(capacity: usize) -> Self {
        // A queue that holds nothing could never take a put: refuse it here,
        // loudly, rather than let every put wait for ever.
        assert!(capacity > 0, "a BoundedQueue needs a capacity of at least 1");
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    pub fn put(&self, item: T) {
        let mut items = self.lock();
        // `while`, never `if`: a wake-up only says "look again". It may be
        // spurious, or another putter (one that was not even waiting) may
        // have taken the free place before this one got the lock back.
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap_or_else(|e| e.into_inner());
        }
        // Still under the lock that saw the room: the check and the push
        // are one step.
        self.push(items, item);
    }

    pub fn take(&self) -> T {
        let mut items = self.lock();
        // The mirror of `put`: a stolen wake-up (another taker got the item
        // first) finds the queue empty again, and this thread sleeps again.
        loop {
            if let Some(item) = self.pop(&mut items) {
                return item;
            }
            items = self.not_empty.wait(items).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn offer(&self, item: T, timeout: Duration) -> Result<(), T> {
        // The deadline is fixed once: each wake-up waits only for what is
        // left, so spurious wake-ups cannot stretch the wait beyond it.
        let deadline = Instant::now().checked_add(timeout);
        let mut items = self.lock();
        loop {
            // The queue first, the clock second: room that came as the time
            // ran out is still taken. Leaving on the clock alone could
            // swallow the one `notify_one` meant for that room, and leave
            // it free while other putters sleep.
            if items.len() < self.capacity {
                self.push(items, item);
                return Ok(());
            }
            let left = time_left(deadline);
            if left.is_zero() {
                return Err(item);
            }
            items = self.wait_timeout(&self.not_full, items, left);
        }
    }

    pub fn poll(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut items = self.lock();
        loop {
            // As in `offer`: an item first, the clock second.
            if let Some(item) = self.pop(&mut items) {
                return Some(item);
            }
            let left = time_left(deadline);
            if left.is_zero() {
                return None;
            }
            items = self.wait_timeout(&self.not_empty, items, left);
        }
    }

    pub fn len(&self) -> usize {
        // Under the lock that every change is made under: never a count kept
        // beside the items, which could be read between a change and its
        // update.
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pushes `item` with the lock that saw room for it, and wakes one taker.
    fn push(&self, mut items: MutexGuard<'_, VecDeque<T>>, item: T) {
        items.push_back(item);
        // One new item can serve one taker, and every thread asleep on
        // `not_empty` wants just that: `notify_one` is enough. Putters
        // sleep on the other condvar, so this cannot wake a putter by
        // mistake (with one condvar for both, it could, and the taker the
        // item was for would sleep on: that design needs `notify_all`).
        // Notified while the lock is held: the woken taker runs once
        // `items` is dropped at the end of this call.
        self.not_empty.notify_one();
    }

    /// Pops the front item under the caller's lock, and wakes one putter if
    /// there was one (one place came free).
    fn pop(&self, items: &mut MutexGuard<'_, VecDeque<T>>) -> Option<T> {
        let item = items.pop_front()?;
        // forgotten
        Some(item)
    }

    /// One timed wait on `condvar`; the guard back, whether it timed out or
    /// not (the caller looks at the queue and the clock itself).
    fn wait_timeout<'a>(
        &self,
        condvar: &Condvar,
        items: MutexGuard<'a, VecDeque<T>>,
        left: Duration,
    ) -> MutexGuard<'a, VecDeque<T>> {
        match condvar.wait_timeout(items, left) {
            Ok((items, _)) => items,
            Err(poisoned) => poisoned.into_inner().0,
        }
    }

    /// The items' lock. Nothing here panics while holding it, but a
    /// learner's thread may panic elsewhere (a `T`'s drop, say); a
    /// `VecDeque` is never left half-changed by our calls, so a poisoned lock
    /// is safe to take over.
    fn lock(&self) -> MutexGuard<'_, VecDeque<T>> {
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What is left until `deadline`; `Duration::MAX` for a timeout too long to
/// add to the clock (a wait without one).
fn time_left(deadline: Option<Instant>) -> Duration {
    match deadline {
        Some(deadline) => deadline.saturating_duration_since(Instant::now()),
        None => Duration::MAX,
    }
}
