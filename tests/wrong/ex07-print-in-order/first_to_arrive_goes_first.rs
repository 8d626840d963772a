//! Known wrong: whichever of foo and bar arrives first takes the first turn.
//! Written blind: misreads "whichever thread starts first" as "whoever arrives first goes first": the turn starts undecided and the first caller of foo or bar takes it, so a bar started first prints g before f
//! expect-fail: alternate-strictly: run 1 was bar, where foo was due
//! expect-fail: model-alternate: run 1 was bar, where foo was due
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Foo,
    Bar,
}

/// foo, bar, foo, bar, ... n of each.
pub struct Alternate {
    n: usize,
    turn: Mutex<Option<Side>>,
    cv: Condvar,
}

impl Alternate {
    /// `n` turns each; the first thread to arrive starts.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            turn: Mutex::new(None),
            cv: Condvar::new(),
        }
    }

    fn run(&self, me: Side, other: Side, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut t = self.turn.lock().unwrap();
            if t.is_none() {
                *t = Some(me);
            }
            while *t != Some(me) {
                t = self.cv.wait(t).unwrap();
            }
            f();
            *t = Some(other);
            self.cv.notify_all();
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, f: impl FnMut()) {
        self.run(Side::Foo, Side::Bar, f);
    }

    /// `bar`'s turns.
    pub fn bar(&self, f: impl FnMut()) {
        self.run(Side::Bar, Side::Foo, f);
    }
}
