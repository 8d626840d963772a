//! Known wrong: a shared step counter with the bound off by one: foo gets an (n+1)-th turn, then hangs.
//! Written blind: LeetCode-style shared step counter where foo loops `loop { ...; if step / 2 > n { break } }` instead of `>= n`: an off-by-one that gives foo an (n+1)-th turn and then leaves it waiting for ever
//! expect-fail: model-alternate: foo ran once too many
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
    step: Mutex<usize>,
    cv: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            step: Mutex::new(0),
            cv: Condvar::new(),
        }
    }

    /// `foo`'s turns: on even steps, until n rounds are done.
    pub fn foo(&self, mut f: impl FnMut()) {
        loop {
            let mut s = self.step.lock().unwrap();
            while *s % 2 == 1 {
                s = self.cv.wait(s).unwrap();
            }
            // step / 2 = rounds completed so far
            if *s / 2 > self.n {
                break;
            }
            f();
            *s += 1;
            self.cv.notify_all();
        }
    }

    /// `bar`'s turns: on odd steps, n of them.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut s = self.step.lock().unwrap();
            while *s % 2 == 0 {
                s = self.cv.wait(s).unwrap();
            }
            f();
            *s += 1;
            self.cv.notify_all();
        }
    }
}
