//! Known wrong: one condvar for three turns, and `notify_one`: first may wake third, which sleeps again, and second sleeps for ever.
//! expect-fail: model-notify-all: That is `notify_one` where the sleepers wait for different turns

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
        while *turn != mine {
            turn = self.cv.wait(turn).unwrap();
        }
        f();
        *turn = mine + 1;
        self.cv.notify_one();
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
