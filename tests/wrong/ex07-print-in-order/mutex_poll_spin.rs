//! Known wrong: no Condvar: the waiting thread locks and unlocks the Mutex in a tight loop until its turn comes.
//! Written blind: no Condvar, just re-locks the Mutex in a tight loop until the turn is its own ("the Mutex makes it safe"), Python's `while True: with lock: if turn == 2: break`; correct order but a busy spin
//! expect-fail: waits-asleep: kept the CPU busy while it waited
use kata_sync::sync::Mutex;

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    turn: Mutex<u8>,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder { turn: Mutex::new(1) }
    }

    fn take_turn(&self, mine: u8, f: impl FnOnce()) {
        loop {
            let mut t = self.turn.lock().unwrap();
            if *t == mine {
                f();
                *t = mine + 1;
                return;
            }
        }
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
    bars_turn: Mutex<bool>,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            bars_turn: Mutex::new(false),
        }
    }

    fn run(&self, bar: bool, mut f: impl FnMut()) {
        let mut done = 0;
        while done < self.n {
            let mut b = self.bars_turn.lock().unwrap();
            if *b == bar {
                f();
                *b = !bar;
                done += 1;
            }
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
