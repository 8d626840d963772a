//! Known right: InOrder from two one-shot Events (Python's threading.Event: Mutex<bool> + Condvar, set never cleared); Alternate with a generation counter, round i of foo waits for step 2i, bar for 2i+1
//! Written blind: right: InOrder from two one-shot Events (Python's threading.Event: Mutex<bool> + Condvar, set never cleared); Alternate with a generation counter, round i of foo waits for step 2i, bar for 2i+1
use kata_sync::sync::{Condvar, Mutex};

/// A one-shot `threading.Event`: once set it stays set.
struct Event {
    set: Mutex<bool>,
    cv: Condvar,
}

impl Event {
    fn new() -> Self {
        Event {
            set: Mutex::new(false),
            cv: Condvar::new(),
        }
    }

    fn set(&self) {
        *self.set.lock().unwrap() = true;
        self.cv.notify_all();
    }

    fn wait(&self) {
        let mut s = self.set.lock().unwrap();
        while !*s {
            s = self.cv.wait(s).unwrap();
        }
    }
}

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    first_done: Event,
    second_done: Event,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {
            first_done: Event::new(),
            second_done: Event::new(),
        }
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        self.first_done.set();
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        self.first_done.wait();
        f();
        self.second_done.set();
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        self.second_done.wait();
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
    step: Mutex<usize>,
    moved: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            step: Mutex::new(0),
            moved: Condvar::new(),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for i in 0..self.n {
            let mut s = self.step.lock().unwrap();
            while *s != 2 * i {
                s = self.moved.wait(s).unwrap();
            }
            f();
            *s = 2 * i + 1;
            self.moved.notify_all();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for i in 0..self.n {
            let mut s = self.step.lock().unwrap();
            while *s != 2 * i + 1 {
                s = self.moved.wait(s).unwrap();
            }
            f();
            *s = 2 * i + 2;
            self.moved.notify_all();
        }
    }
}
