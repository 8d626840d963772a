//! Known wrong: counts turns per side and lets foo go while `foo_done <= bar_done + 1`: foo runs twice in a row.
//! Written blind: Alternate counts each side's turns and lets foo go while "bar is at most one behind" (foo_done <= bar_done + 1) instead of "bar has caught up", an off-by-one that lets foo run twice in a row
//! expect-fail: alternate-strictly: must take strict turns
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

struct Counts {
    foo_done: usize,
    bar_done: usize,
}

/// foo, bar, foo, bar, ... n of each.
pub struct Alternate {
    n: usize,
    counts: Mutex<Counts>,
    cv: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            counts: Mutex::new(Counts {
                foo_done: 0,
                bar_done: 0,
            }),
            cv: Condvar::new(),
        }
    }

    /// `foo`'s turns: never more than one ahead of bar.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut c = self.counts.lock().unwrap();
            while c.foo_done > c.bar_done + 1 {
                c = self.cv.wait(c).unwrap();
            }
            f();
            c.foo_done += 1;
            self.cv.notify_all();
        }
    }

    /// `bar`'s turns: only after foo has had one more.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut c = self.counts.lock().unwrap();
            while c.bar_done >= c.foo_done {
                c = self.cv.wait(c).unwrap();
            }
            f();
            c.bar_done += 1;
            self.cv.notify_all();
        }
    }
}
