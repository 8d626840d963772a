//! Known wrong: an atomic turn stored and notified without the condvar's mutex: a waiter that has just looked can miss the notify (a lost wake-up).
//! Written blind: turn kept in an AtomicUsize next to a Mutex<()> + Condvar; the hand-off stores and notifies without taking the lock ("the atomic is already thread-safe"), so a waiter between its check and its wait misses the notify: lost wake-up
//! expect-fail: model-in-order: outside the mutex the sleepers wait with
use kata_sync::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use kata_sync::sync::{Condvar, Mutex};

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    turn: AtomicUsize,
    lock: Mutex<()>,
    changed: Condvar,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {
            turn: AtomicUsize::new(1),
            lock: Mutex::new(()),
            changed: Condvar::new(),
        }
    }

    fn wait_turn(&self, mine: usize) {
        let mut g = self.lock.lock().unwrap();
        while self.turn.load(Ordering::SeqCst) != mine {
            g = self.changed.wait(g).unwrap();
        }
    }

    fn pass(&self, next: usize) {
        self.turn.store(next, Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        self.pass(2);
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        self.wait_turn(2);
        f();
        self.pass(3);
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        self.wait_turn(3);
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
    bars_turn: AtomicBool,
    lock: Mutex<()>,
    cv: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            bars_turn: AtomicBool::new(false),
            lock: Mutex::new(()),
            cv: Condvar::new(),
        }
    }

    fn run(&self, bar: bool, mut f: impl FnMut()) {
        for _ in 0..self.n {
            {
                let mut g = self.lock.lock().unwrap();
                while self.bars_turn.load(Ordering::SeqCst) != bar {
                    g = self.cv.wait(g).unwrap();
                }
            }
            f();
            self.bars_turn.store(!bar, Ordering::SeqCst);
            self.cv.notify_all();
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, f: impl FnMut()) {
        self.run(false, f);
    }

    /// `bar`'s turns.
    pub fn bar(&self, f: impl FnMut()) {
        self.run(true, f);
    }
}
