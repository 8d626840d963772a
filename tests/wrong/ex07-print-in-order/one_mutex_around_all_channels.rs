//! Known wrong: every channel end behind one Mutex: a waiter blocks in `recv` holding it, so the thread whose turn it is can never send.
//! Written blind: "a Receiver is not Sync, so put it in a Mutex": all four channel ends in ONE Mutex, and second/third block in recv() while holding it, so first can never lock it to send: deadlock whenever a waiter arrives first
//! expect-fail: model-in-order: while holding a Mutex the thread whose turn it is needs
use kata_sync::sync::mpsc::{channel, Receiver, Sender};
use kata_sync::sync::{Condvar, Mutex};

struct Pipes {
    to_second: Sender<()>,
    second_rx: Receiver<()>,
    to_third: Sender<()>,
    third_rx: Receiver<()>,
}

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    pipes: Mutex<Pipes>,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        let (to_second, second_rx) = channel();
        let (to_third, third_rx) = channel();
        InOrder {
            pipes: Mutex::new(Pipes {
                to_second,
                second_rx,
                to_third,
                third_rx,
            }),
        }
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        self.pipes.lock().unwrap().to_second.send(()).unwrap();
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        let p = self.pipes.lock().unwrap();
        p.second_rx.recv().unwrap();
        f();
        p.to_third.send(()).unwrap();
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        let p = self.pipes.lock().unwrap();
        p.third_rx.recv().unwrap();
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
    cv: Condvar,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        Alternate {
            n,
            bars_turn: Mutex::new(false),
            cv: Condvar::new(),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut b = self.bars_turn.lock().unwrap();
            while *b {
                b = self.cv.wait(b).unwrap();
            }
            f();
            *b = true;
            self.cv.notify_all();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            let mut b = self.bars_turn.lock().unwrap();
            while !*b {
                b = self.cv.wait(b).unwrap();
            }
            f();
            *b = false;
            self.cv.notify_all();
        }
    }
}
