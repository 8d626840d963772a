//! Known wrong: Python's `wait_for(predicate)` ported as `wait_while(predicate)`: the condition is inverted, so a thread runs out of turn.
//! Written blind: ports Python's `cond.wait_for(lambda: turn == mine)` to `wait_while(g, |t| *t == mine)`, but wait_while waits WHILE the predicate holds: it runs at once out of turn, and sleeps when it is its turn
//! expect-fail: model-in-order: A thread went before its turn
//! expect-fail: model-alternate: A thread went before its turn
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
        let t = self.turn.lock().unwrap();
        // cond.wait_for(lambda: turn == mine)
        let mut t = self.changed.wait_while(t, |t| *t == mine).unwrap();
        f();
        *t = mine + 1;
        self.changed.notify_all();
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

    /// `foo`'s turns: cond.wait_for(lambda: not bars_turn).
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let b = self.bars_turn.lock().unwrap();
            let mut b = self.cv.wait_while(b, |b| !*b).unwrap();
            f();
            *b = true;
            self.cv.notify_all();
        }
    }

    /// `bar`'s turns: cond.wait_for(lambda: bars_turn).
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let b = self.bars_turn.lock().unwrap();
            let mut b = self.cv.wait_while(b, |b| *b).unwrap();
            f();
            *b = false;
            self.cv.notify_all();
        }
    }
}
