//! Known wrong: `if` instead of `while` around `wait` in both structs: a wake-up for another turn, or a spurious one, lets a thread run before its turn.
//! Written blind: `if` instead of `while` around Condvar::wait (Python's `if turn != 2: cond.wait()`), so a spurious wake-up or a notify_all meant for another thread lets it run out of turn
//! expect-fail: model-in-order: waited behind an `if`
//! expect-fail: model-alternate: waited behind an `if`
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

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        let mut t = self.turn.lock().unwrap();
        f();
        *t = 2;
        self.changed.notify_all();
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        let mut t = self.turn.lock().unwrap();
        if *t != 2 {
            t = self.changed.wait(t).unwrap();
        }
        f();
        *t = 3;
        self.changed.notify_all();
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        let t = self.turn.lock().unwrap();
        if *t != 3 {
            let _t = self.changed.wait(t).unwrap();
        }
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
            if *b {
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
            if !*b {
                b = self.cv.wait(b).unwrap();
            }
            f();
            *b = false;
            self.cv.notify_all();
        }
    }
}
