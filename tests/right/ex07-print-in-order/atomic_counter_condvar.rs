//! Known right: the turn is an atomic counter, but it only moves with the condvar's mutex held, so no wake-up is lost; Alternate counts turns taken (even: foo's, odd: bar's).

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::sync::{Condvar, Mutex};

/// A counter of turns taken, and a place to sleep until it reaches yours.
struct Counter {
    taken: AtomicUsize,
    lock: Mutex<()>,
    cv: Condvar,
}

impl Counter {
    fn new() -> Counter {
        Counter { taken: AtomicUsize::new(0), lock: Mutex::new(()), cv: Condvar::new() }
    }

    fn wait_until(&self, ready: impl Fn(usize) -> bool) {
        let mut guard = self.lock.lock().unwrap();
        while !ready(self.taken.load(Ordering::SeqCst)) {
            guard = self.cv.wait(guard).unwrap();
        }
    }

    fn advance(&self) {
        {
            let _guard = self.lock.lock().unwrap();
            self.taken.fetch_add(1, Ordering::SeqCst);
        }
        self.cv.notify_all();
    }
}

pub struct InOrder {
    counter: Counter,
}

impl InOrder {
    pub fn new() -> Self {
        InOrder { counter: Counter::new() }
    }

    fn take_turn(&self, mine: usize, f: impl FnOnce()) {
        self.counter.wait_until(|taken| taken == mine);
        f();
        self.counter.advance();
    }

    pub fn first(&self, f: impl FnOnce()) {
        self.take_turn(0, f);
    }

    pub fn second(&self, f: impl FnOnce()) {
        self.take_turn(1, f);
    }

    pub fn third(&self, f: impl FnOnce()) {
        self.take_turn(2, f);
    }
}

impl Default for InOrder {
    fn default() -> Self {
        Self::new()
    }
}

pub struct Alternate {
    n: usize,
    counter: Counter,
}

impl Alternate {
    pub fn new(n: usize) -> Self {
        Alternate { n, counter: Counter::new() }
    }

    fn turns(&self, parity: usize, mut f: impl FnMut()) {
        for i in 0..self.n {
            let mine = 2 * i + parity;
            self.counter.wait_until(|taken| taken == mine);
            f();
            self.counter.advance();
        }
    }

    pub fn foo(&self, f: impl FnMut()) {
        self.turns(0, f);
    }

    pub fn bar(&self, f: impl FnMut()) {
        self.turns(1, f);
    }
}
