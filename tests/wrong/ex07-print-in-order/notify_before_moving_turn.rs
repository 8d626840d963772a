//! Known wrong: Alternate notifies first and moves the turn after, in another lock scope: the woken thread looks too early, sleeps again, and the wake-up is lost.
//! Written blind: Alternate wakes the other side first and only then moves the turn (notify_all, then lock and set, "tell bar, then hand over"); a bar woken in between sees the old turn, sleeps again, and nobody wakes it
//! expect-fail: model-alternate: a thread slept for ever
use kata_sync::sync::{Condvar, Mutex};

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    turn: Mutex<u8>,
    changed: Condvar,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {
            turn: Mutex::new(1),
            changed: Condvar::new(),
        }
    }

    fn take_turn(&self, mine: u8, f: impl FnOnce()) {
        let mut t = self.turn.lock().unwrap();
        while *t != mine {
            t = self.changed.wait(t).unwrap();
        }
        f();
        *t = mine + 1;
        self.changed.notify_all();
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        self.take_turn(1, f);
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        self.take_turn(2, f);
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        self.take_turn(3, f);
    }
}

impl Default for InOrder {
    fn default() -> Self {
        Self::new()
    }
}

/// foo, bar, foo, bar, ... n of each.
pub struct Alternate {
    n: usize,
    bars_turn: Mutex<bool>,
    cv: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            bars_turn: Mutex::new(false),
            cv: Condvar::new(),
        }
    }

    fn run(&self, bar: bool, mut f: impl FnMut()) {
        for _ in 0..self.n {
            {
                let mut b = self.bars_turn.lock().unwrap();
                while *b != bar {
                    b = self.cv.wait(b).unwrap();
                }
            }
            f();
            self.cv.notify_all();
            *self.bars_turn.lock().unwrap() = !bar;
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, f: impl FnMut()) {
        self.run(false, f);
    }

    /// `bar`'s turns.
    pub fn bar(&self, f: impl FnMut()) {
        self.run(true, f);
    }
}
