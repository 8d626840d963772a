//! Known wrong: each thread polls the turn under the mutex and sleeps 1 ms between looks: in order and cheap on CPU, but a sleep is not an order (and it answers up to a sleep late).
//! expect-fail: model-in-order: a sleep is not an order

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;
use std::time::Duration;

pub struct InOrder {
    turn: Mutex<u8>,
}

impl InOrder {
    pub fn new() -> Self {
        InOrder { turn: Mutex::new(1) }
    }

    fn take_turn(&self, mine: u8, f: impl FnOnce()) {
        while *self.turn.lock().unwrap() != mine {
            thread::sleep(Duration::from_millis(1));
        }
        f();
        *self.turn.lock().unwrap() = mine + 1;
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
