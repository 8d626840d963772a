//! Known wrong: Alternate from two event flags that are set and never cleared: foo runs twice in a row.
//! Written blind: Alternate from two Python-style Events (Mutex<bool> + Condvar) that are set but never cleared, so after the first round each side's wait passes at once and foo runs twice in a row
//! expect-fail: alternate-strictly: must take strict turns
//! expect-fail: model-alternate: A thread went before its turn
use kata_sync::sync::{Condvar, Mutex};

/// `threading.Event`: `set`, `wait`.
struct Event {
    set: Mutex<bool>,
    cv: Condvar,
}

impl Event {
    fn new(initially: bool) -> Self {
        Event {
            set: Mutex::new(initially),
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
            first_done: Event::new(false),
            second_done: Event::new(false),
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
    foo_may_go: Event,
    bar_may_go: Event,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            foo_may_go: Event::new(true),
            bar_may_go: Event::new(false),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.foo_may_go.wait();
            f();
            self.bar_may_go.set();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.bar_may_go.wait();
            f();
            self.foo_may_go.set();
        }
    }
}
