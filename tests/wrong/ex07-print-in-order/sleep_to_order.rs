//! Known wrong: second and third wait with `thread::sleep` for the others to be done.
//! Written blind: orders InOrder with thread::sleep (second sleeps 50 ms, third 100 ms) "so first has finished by then", the LeetCode-accepted Python `time.sleep` trick
//! expect-fail: model-in-order: a sleep is not an order
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;
use kata_sync::time::Duration;

/// Runs three closures in the order first, second, third.
pub struct InOrder {}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {}
    }

    /// Runs `f` at once.
    pub fn first(&self, f: impl FnOnce()) {
        f();
    }

    /// Gives `first` a head start, then runs `f`.
    pub fn second(&self, f: impl FnOnce()) {
        thread::sleep(Duration::from_millis(50));
        f();
    }

    /// Gives `first` and `second` a head start, then runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        thread::sleep(Duration::from_millis(100));
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
