//! Known wrong: the turn is an atomic beside the condvar, moved on and notified without the lock: a notify between a waiter's check and its sleep is lost.
//! expect-fail: model-in-order: a lost wake-up

use kata_sync::sync::atomic::{AtomicU8, Ordering};
use kata_sync::sync::{Condvar, Mutex};

pub struct InOrder {
    turn: AtomicU8,
    lock: Mutex<()>,
    cv: Condvar,
}

impl InOrder {
    pub fn new() -> Self {
        InOrder { turn: AtomicU8::new(1), lock: Mutex::new(()), cv: Condvar::new() }
    }

    fn take_turn(&self, mine: u8, f: impl FnOnce()) {
        let mut guard = self.lock.lock().unwrap();
        while self.turn.load(Ordering::SeqCst) != mine {
            guard = self.cv.wait(guard).unwrap();
        }
        drop(guard);
        f();
        // Wrong: not under `lock`, so it can fall between a waiter's check and its sleep.
        self.turn.store(mine + 1, Ordering::SeqCst);
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
