//! Known wrong: one Condvar per waiter, but second notifies its own instead of third's (a copy-paste slip): a third that came early sleeps for ever.
//! Written blind: two Condvars (one per waiter) and notify_one, but second's hand-off notifies its own condvar instead of third's (copy-paste from first), so a third that arrived early is never woken
//! expect-fail: model-in-order: a thread slept for ever
use kata_sync::sync::{Condvar, Mutex};

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    turn: Mutex<u8>,
    second_cv: Condvar,
    third_cv: Condvar,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {
            turn: Mutex::new(1),
            second_cv: Condvar::new(),
            third_cv: Condvar::new(),
        }
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        let mut t = self.turn.lock().unwrap();
        f();
        *t = 2;
        self.second_cv.notify_one();
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        let mut t = self.turn.lock().unwrap();
        while *t != 2 {
            t = self.second_cv.wait(t).unwrap();
        }
        f();
        *t = 3;
        self.second_cv.notify_one();
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        let mut t = self.turn.lock().unwrap();
        while *t != 3 {
            t = self.third_cv.wait(t).unwrap();
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
