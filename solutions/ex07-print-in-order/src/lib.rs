//! Reference solution of ex07 · Print in order.
//!
//! Both types keep "whose turn is it" in one `Mutex` and sleep on one
//! `Condvar` until it is theirs. The thread whose turn ends moves the turn
//! on under the same lock and wakes everybody (`notify_all`): the sleepers
//! on the one condvar wait for different turns, so waking only one of them
//! could wake the wrong one and leave the right one asleep for ever.

use kata_sync::sync::{Condvar, Mutex, MutexGuard};

/// Whose turn it is in an `InOrder`: 1, 2 or 3 (4 once all have run).
pub struct InOrder {
    turn: Mutex<u8>,
    changed: Condvar,
}

impl InOrder {
    pub fn new() -> Self {
        InOrder {
            turn: Mutex::new(1),
            changed: Condvar::new(),
        }
    }

    /// Sleeps until it is turn `mine`, and returns with the lock held.
    fn wait_for(&self, mine: u8) -> MutexGuard<'_, u8> {
        // Lock scope: from here until the caller has moved the turn on.
        // The check and the sleep happen under the lock, so the turn cannot
        // move (and its notify cannot go out) between them: no lost wake-up.
        let mut turn = self.turn.lock().unwrap_or_else(|e| e.into_inner());
        // `while`, not `if`: a wake-up only means "look again". It may be
        // spurious, or the notify that handed the turn to someone else.
        while *turn != mine {
            turn = self.changed.wait(turn).unwrap_or_else(|e| e.into_inner());
        }
        turn
    }

    /// Runs `f` in turn `mine`, then hands the turn on to `mine + 1`.
    fn take_turn(&self, mine: u8, f: impl FnOnce()) {
        let turn = self.wait_for(mine);
        // `f` runs without the lock: the turn is ours until we move it, and
        // nobody else can move it, so nothing needs the lock meanwhile (and
        // a slow closure holds up nobody who only wants to look).
        drop(turn);
        f();
        // Ordering: the turn moves on under the lock, after `f` returned;
        // the next thread's `f` starts only after it sees the new turn
        // under the same lock, so it runs after ours, whatever the cores do.
        *self.turn.lock().unwrap_or_else(|e| e.into_inner()) = mine + 1;
        // Outside the lock is fine: the state changed under it, and every
        // sleeper either saw the new turn or is already asleep (wait
        // releases the lock and sleeps in one step) and gets this notify.
        self.changed.notify_all();
    }

    pub fn first(&self, f: impl FnOnce()) {
        self.take_turn(1, f);
    }

    pub fn second(&self, f: impl FnOnce()) {
        self.take_turn(2, f);
    }

    pub fn third(&self, f: impl FnOnce()) {
        self.take_turn(3, f);
    }
}

impl Default for InOrder {
    fn default() -> Self {
        Self::new()
    }
}

/// Two threads taking turns: `bars_turn` says whose it is.
pub struct Alternate {
    n: usize,
    bars_turn: Mutex<bool>,
    changed: Condvar,
}

impl Alternate {
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            bars_turn: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// `n` turns of `f`, each when `bars_turn == bar`, each handing the turn
    /// to the other side.
    fn turns(&self, bar: bool, mut f: impl FnMut()) {
        for _ in 0..self.n {
            // Lock scope: one turn. Here `f` runs with the lock held, which
            // costs nothing: the other thread has nothing to do but wait.
            let mut bars_turn = self.bars_turn.lock().unwrap_or_else(|e| e.into_inner());
            while *bars_turn != bar {
                bars_turn = self
                    .changed
                    .wait(bars_turn)
                    .unwrap_or_else(|e| e.into_inner());
            }
            f();
            // Ordering: the flip happens after `f` and under the lock the
            // other side checks it with; the other side's `f` follows ours.
            *bars_turn = !bar;
            drop(bars_turn);
            // Only two threads, but notify_all all the same: it costs
            // nothing here, and stays right if more waiters come.
            self.changed.notify_all();
        }
    }

    pub fn foo(&self, f: impl FnMut()) {
        self.turns(false, f);
    }

    pub fn bar(&self, f: impl FnMut()) {
        self.turns(true, f);
    }
}
