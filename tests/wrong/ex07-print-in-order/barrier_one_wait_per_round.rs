//! Known wrong: one `Barrier(2)` wait per round: after it, foo's next closure races bar's.
//! Written blind: Alternate with a Barrier(2) as the rendezvous, one wait per round (foo: f then wait; bar: wait then g), so once both pass the barrier foo's next f races bar's g
//! expect-fail: model-alternate: A thread went before its turn
use kata_sync::sync::{Barrier, Condvar, Mutex};

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
    meet: Barrier,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            meet: Barrier::new(2),
        }
    }

    /// `foo`'s turns: f, then meet bar.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            f();
            self.meet.wait();
        }
    }

    /// `bar`'s turns: meet foo (so its f is done), then g.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.meet.wait();
            f();
        }
    }
}
