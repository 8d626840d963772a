//! Known wrong: each side clears its flag after handing the turn over, erasing the other side's set: both sleep for ever.
//! Written blind: Alternate from two Python-style Events, each side clears its own event at the END of its turn, after handing over; the other side can already have set it again, so the clear erases that and both sleep for ever
//! expect-fail: model-alternate: a thread slept for ever
use kata_sync::sync::{Condvar, Mutex};

/// `threading.Event`: `set`, `clear`, `wait`.
struct Event {
    set: Mutex<bool>,
    cv: Condvar,
}

impl Event {
    fn new(initially: bool) -> Self {
        Event {
            set: Mutex::new(initially),
            cv: Condvar::new(),
        }
    }

    fn set(&self) {
        *self.set.lock().unwrap() = true;
        self.cv.notify_all();
    }

    fn clear(&self) {
        *self.set.lock().unwrap() = false;
    }

    fn wait(&self) {
        let mut s = self.set.lock().unwrap();
        while !*s {
            s = self.cv.wait(s).unwrap();
        }
    }
}

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
    foo_may_go: Event,
    bar_may_go: Event,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            foo_may_go: Event::new(true),
            bar_may_go: Event::new(false),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.foo_may_go.wait();
            f();
            self.bar_may_go.set();
            self.foo_may_go.clear();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.bar_may_go.wait();
            f();
            self.foo_may_go.set();
            self.bar_may_go.clear();
        }
    }
}
