//! Known wrong: Alternate's two semaphores both start with a permit: bar may go first.
//! Written blind: Alternate from two semaphores both created with 1 permit (copied `Semaphore(1)` from a mutex-style Python example), so bar's first turn needs no foo and bar can go first or twice
//! expect-fail: alternate-strictly: run 1 was bar, where foo was due
//! expect-fail: model-alternate: run 1 was bar, where foo was due
use kata_sync::sync::{Condvar, Mutex};

/// `threading.Semaphore`, from a Mutex and a Condvar.
struct Semaphore {
    permits: Mutex<usize>,
    available: Condvar,
}

impl Semaphore {
    fn new(permits: usize) -> Self {
        Semaphore {
            permits: Mutex::new(permits),
            available: Condvar::new(),
        }
    }

    fn acquire(&self) {
        let mut p = self.permits.lock().unwrap();
        while *p == 0 {
            p = self.available.wait(p).unwrap();
        }
        *p -= 1;
    }

    fn release(&self) {
        let mut p = self.permits.lock().unwrap();
        *p += 1;
        self.available.notify_one();
    }
}

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    second_may_go: Semaphore,
    third_may_go: Semaphore,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {
            second_may_go: Semaphore::new(0),
            third_may_go: Semaphore::new(0),
        }
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        self.second_may_go.release();
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        self.second_may_go.acquire();
        f();
        self.third_may_go.release();
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        self.third_may_go.acquire();
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
    foo_sem: Semaphore,
    bar_sem: Semaphore,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            foo_sem: Semaphore::new(1),
            bar_sem: Semaphore::new(1),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.foo_sem.acquire();
            f();
            self.bar_sem.release();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.bar_sem.acquire();
            f();
            self.foo_sem.release();
        }
    }
}
