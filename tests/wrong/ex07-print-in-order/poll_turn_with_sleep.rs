//! Known wrong: no Condvar: each thread looks at the turn under the lock and sleeps 1 ms between looks.
//! Written blind: polls the turn under the Mutex and sleeps 1 ms between looks, Python's `while not done: time.sleep(0.001)`, no Condvar at all
//! expect-fail: model-in-order: a sleep is not an order
use kata_sync::sync::Mutex;
use kata_sync::thread;
use kata_sync::time::Duration;

fn wait_for<T: PartialEq>(m: &Mutex<T>, want: T) {
    while *m.lock().unwrap() != want {
        thread::sleep(Duration::from_millis(1));
    }
}

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    turn: Mutex<u8>,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        InOrder { turn: Mutex::new(1) }
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        *self.turn.lock().unwrap() = 2;
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        wait_for(&self.turn, 2);
        f();
        *self.turn.lock().unwrap() = 3;
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        wait_for(&self.turn, 3);
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

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            wait_for(&self.bars_turn, false);
            f();
            *self.bars_turn.lock().unwrap() = true;
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            wait_for(&self.bars_turn, true);
            f();
            *self.bars_turn.lock().unwrap() = false;
        }
    }
}
