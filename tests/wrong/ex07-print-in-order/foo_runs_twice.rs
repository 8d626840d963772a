//! Known wrong: Alternate counts turns and lets foo run while it is at most one ahead of bar *after* its run, so foo can run twice in a row.
//! expect-fail: alternate-strictly: must take strict turns
//! expect-fail: model-alternate: A thread went before its turn

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
    /// (foo's runs, bar's runs)
    runs: Mutex<(usize, usize)>,
    cv: Condvar,
}

impl Alternate {
    pub fn new(n: usize) -> Self {
        Alternate { n, runs: Mutex::new((0, 0)), cv: Condvar::new() }
    }

    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut runs = self.runs.lock().unwrap();
            // Wrong bound: foo may be two ahead.
            while runs.0 > runs.1 + 1 {
                runs = self.cv.wait(runs).unwrap();
            }
            f();
            runs.0 += 1;
            self.cv.notify_all();
        }
    }

    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut runs = self.runs.lock().unwrap();
            while runs.1 >= runs.0 {
                runs = self.cv.wait(runs).unwrap();
            }
            f();
            runs.1 += 1;
            self.cv.notify_all();
        }
    }
}
