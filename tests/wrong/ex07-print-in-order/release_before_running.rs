//! Known wrong: each thread lets the next one go before it runs its own closure.
//! Written blind: semaphores built right, but each thread releases the next one BEFORE running its own closure ("let second go, then do my work"), so g can run while, or before, f runs
//! expect-fail: model-in-order: A thread went before its turn
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

    /// Lets `second` go, then runs `f`.
    pub fn first(&self, f: impl FnOnce()) {
        self.second_may_go.release();
        f();
    }

    /// Waits for `first`, lets `third` go, runs `f`.
    pub fn second(&self, f: impl FnOnce()) {
        self.second_may_go.acquire();
        self.third_may_go.release();
        f();
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
            bar_sem: Semaphore::new(0),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.foo_sem.acquire();
            self.bar_sem.release();
            f();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.bar_sem.acquire();
            self.foo_sem.release();
            f();
        }
    }
}
