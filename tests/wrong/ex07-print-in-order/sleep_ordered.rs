//! Known wrong: `second` sleeps 10 ms and `third` 20 ms "so that the one before has run": a sleep is not an order.
//! expect-fail: model-in-order: a sleep is not an order

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;
use std::time::Duration;

pub struct InOrder;

impl InOrder {
    pub fn new() -> Self {
        InOrder
    }

    pub fn first(&self, f: impl FnOnce()) {
        f();
    }

    pub fn second(&self, f: impl FnOnce()) {
        thread::sleep(Duration::from_millis(10));
        f();
    }

    pub fn third(&self, f: impl FnOnce()) {
        thread::sleep(Duration::from_millis(20));
        f();
    }
}

impl Default for InOrder {
    fn default() -> Self {
        Self::new()
    }
}

pub struct Alternate {
    n: usize,
    bars_turn: Mutex<bool>,
    cv: Condvar,
}

impl Alternate {
    pub fn new(n: usize) -> Self {
        Alternate { n, bars_turn: Mutex::new(false), cv: Condvar::new() }
    }

    fn turns(&self, bar: bool, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut b = self.bars_turn.lock().unwrap();
            while *b != bar {
                b = self.cv.wait(b).unwrap();
            }
            f();
            *b = !bar;
            self.cv.notify_all();
        }
    }

    pub fn foo(&self, f: impl FnMut()) {
        self.turns(false, f);
    }

    pub fn bar(&self, f: impl FnMut()) {
        self.turns(true, f);
    }
}
