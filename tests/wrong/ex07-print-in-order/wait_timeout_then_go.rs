//! Known wrong: waits with `wait_timeout(100 ms)` "so it cannot hang" and goes on when it times out.
//! Written blind: waits with wait_timeout(100 ms) "so it can never hang" and, like Python's ignored `cond.wait(timeout)` result, walks on when it times out: a timeout used as a sleep, out of turn when the other is late
//! expect-fail: waits-asleep: it did not block
//! expect-fail: model-in-order: A thread went before its turn
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::time::Duration;

const PATIENCE: Duration = Duration::from_millis(100);

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
            let (g, res) = self.changed.wait_timeout(t, PATIENCE).unwrap();
            t = g;
            if res.timed_out() {
                // Waited long enough: the other one must be done by now.
                break;
            }
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
