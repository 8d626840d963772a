//! Known right: one Mutex<u8> turn + one Condvar with wait_while and notify_all; Alternate keeps a count of turns taken (even = foo's turn)
//! Written blind: right: one Mutex<u8> turn + one Condvar with wait_while and notify_all; Alternate keeps a count of turns taken (even = foo's turn)
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
        let mut t = self.changed.wait_while(t, |t| *t != mine).unwrap();
        f();
        *t = mine + 1;
        drop(t);
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
    taken: Mutex<usize>,
    changed: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            taken: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    fn run(&self, parity: usize, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let t = self.taken.lock().unwrap();
            let mut t = self.changed.wait_while(t, |t| *t % 2 != parity).unwrap();
            f();
            *t += 1;
            drop(t);
            self.changed.notify_all();
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, f: impl FnMut()) {
        self.run(0, f);
    }

    /// `bar`'s turns.
    pub fn bar(&self, f: impl FnMut()) {
        self.run(1, f);
    }
}
