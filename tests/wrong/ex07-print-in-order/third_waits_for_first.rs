//! Known wrong: third waits only until first has run (`turn >= 2`), so it can run before second.
//! expect-fail: in-order-any-arrival: A thread went before its turn
//! expect-fail: model-in-order: run 2 was third, where second was due

use kata_sync::sync::{Condvar, Mutex};

pub struct InOrder {
    turn: Mutex<u8>,
    cv: Condvar,
}

impl InOrder {
    pub fn new() -> Self {
        InOrder { turn: Mutex::new(1), cv: Condvar::new() }
    }

    fn take_turn(&self, mine: u8, f: impl FnOnce()) {
        let mut turn = self.turn.lock().unwrap();
        let ready = if mine == 3 { 2 } else { mine };
        while *turn < ready {
            turn = self.cv.wait(turn).unwrap();
        }
        f();
        *turn = (*turn).max(mine + 1);
        self.cv.notify_all();
    }

    pub fn first(&self, f: impl FnOnce()) {
        self.take_turn(1, f);
    }

    pub fn second(&self, f: impl FnOnce()) {
        self.take_turn(2, f);
    }

    pub fn third(&self, f: impl FnOnce()) {
        self.take_turn(3, f);
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
