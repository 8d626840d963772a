//! Known wrong: `while *self.turn.lock().unwrap() != 2 { wait(a new lock) }`: the guard is dropped between the check and the wait, so a wake-up can be lost.
//! Written blind: checks the turn with a one-line `while *self.turn.lock().unwrap() != 2` (the guard is dropped at the end of the condition) and then waits on a fresh lock; a hand-off in between is missed: lost wake-up
//! expect-fail: model-in-order: a lost wake-up
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

    fn wait_for(&self, mine: u8) {
        while *self.turn.lock().unwrap() != mine {
            let g = self.turn.lock().unwrap();
            drop(self.changed.wait(g).unwrap());
        }
    }

    fn pass(&self, next: u8) {
        *self.turn.lock().unwrap() = next;
        self.changed.notify_all();
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        self.pass(2);
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        self.wait_for(2);
        f();
        self.pass(3);
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        self.wait_for(3);
        f();
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

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut b = self.bars_turn.lock().unwrap();
            while *b {
                b = self.cv.wait(b).unwrap();
            }
            f();
            *b = true;
            self.cv.notify_all();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut b = self.bars_turn.lock().unwrap();
            while !*b {
                b = self.cv.wait(b).unwrap();
            }
            f();
            *b = false;
            self.cv.notify_all();
        }
    }
}
