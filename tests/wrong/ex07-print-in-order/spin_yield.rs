//! Known wrong: waits for its turn in a `yield_now` loop on an atomic: in order, but it keeps a core busy.
//! expect-fail: waits-asleep: kept the CPU busy while it waited

use kata_sync::sync::atomic::{AtomicU8, Ordering};
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

pub struct InOrder {
    turn: AtomicU8,
}

impl InOrder {
    pub fn new() -> Self {
        InOrder { turn: AtomicU8::new(1) }
    }

    fn take_turn(&self, mine: u8, f: impl FnOnce()) {
        while self.turn.load(Ordering::Acquire) != mine {
            thread::yield_now();
        }
        f();
        self.turn.store(mine + 1, Ordering::Release);
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
