//! Known wrong: an atomic turn and a `yield_now` spin: in order, but the waiting thread burns a core.
//! Written blind: the popular LeetCode answer, an AtomicUsize turn counter and a `while turn.load() != mine { yield_now() }` spin; in order, but the early thread burns a core while it waits
//! expect-fail: waits-asleep: kept the CPU busy while it waited
use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::thread;

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    turn: AtomicUsize,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder {
            turn: AtomicUsize::new(1),
        }
    }

    fn take_turn(&self, mine: usize, f: impl FnOnce()) {
        while self.turn.load(Ordering::Acquire) != mine {
            thread::yield_now();
        }
        f();
        self.turn.store(mine + 1, Ordering::Release);
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        self.take_turn(1, f);
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        self.take_turn(2, f);
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        self.take_turn(3, f);
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
    step: AtomicUsize,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            step: AtomicUsize::new(0),
        }
    }

    fn run(&self, parity: usize, mut f: impl FnMut()) {
        for _ in 0..self.n {
            while self.step.load(Ordering::Acquire) % 2 != parity {
                thread::yield_now();
            }
            f();
            self.step.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, f: impl FnMut()) {
        self.run(0, f);
    }

    /// `bar`'s turns.
    pub fn bar(&self, f: impl FnMut()) {
        self.run(1, f);
    }
}
