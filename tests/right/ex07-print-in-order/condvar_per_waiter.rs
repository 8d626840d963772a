//! Known right: state in a Mutex, one Condvar per waiting role, hand-off does notify_one on the next role's condvar; Alternate uses a bool "bar's turn" and two condvars
//! Written blind: right: state in a Mutex, one Condvar per waiting role, hand-off does notify_one on the next role's condvar; Alternate uses a bool "bar's turn" and two condvars
use kata_sync::sync::{Condvar, Mutex};

#[derive(PartialEq, Eq, Clone, Copy)]
enum Stage {
    First,
    Second,
    Third,
}

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    stage: Mutex<Stage>,
    second_may_go: Condvar,
    third_may_go: Condvar,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {
            stage: Mutex::new(Stage::First),
            second_may_go: Condvar::new(),
            third_may_go: Condvar::new(),
        }
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        let mut s = self.stage.lock().unwrap();
        *s = Stage::Second;
        // Only `second` ever waits on this condvar.
        self.second_may_go.notify_one();
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        let mut s = self.stage.lock().unwrap();
        while *s != Stage::Second {
            s = self.second_may_go.wait(s).unwrap();
        }
        drop(s);
        f();
        let mut s = self.stage.lock().unwrap();
        *s = Stage::Third;
        self.third_may_go.notify_one();
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        let mut s = self.stage.lock().unwrap();
        while *s != Stage::Third {
            s = self.third_may_go.wait(s).unwrap();
        }
        drop(s);
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
    foo_cv: Condvar,
    bar_cv: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            bars_turn: Mutex::new(false),
            foo_cv: Condvar::new(),
            bar_cv: Condvar::new(),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut b = self.bars_turn.lock().unwrap();
            while *b {
                b = self.foo_cv.wait(b).unwrap();
            }
            drop(b);
            f();
            *self.bars_turn.lock().unwrap() = true;
            self.bar_cv.notify_one();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut b = self.bars_turn.lock().unwrap();
            while !*b {
                b = self.bar_cv.wait(b).unwrap();
            }
            drop(b);
            f();
            *self.bars_turn.lock().unwrap() = false;
            self.foo_cv.notify_one();
        }
    }
}
