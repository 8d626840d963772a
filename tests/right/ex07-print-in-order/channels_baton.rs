//! Known right: mpsc channels as batons, each Receiver behind a Mutex; Alternate's foo channel is pre-loaded with one token so foo starts
//! Written blind: right: mpsc channels as batons, each Receiver behind a Mutex; Alternate's foo channel is pre-loaded with one token so foo starts
use kata_sync::sync::mpsc::{channel, Receiver, Sender};
use kata_sync::sync::Mutex;

/// Runs three closures in the order first, second, third.
pub struct InOrder {
    to_second: Mutex<Sender<()>>,
    second_rx: Mutex<Receiver<()>>,
    to_third: Mutex<Sender<()>>,
    third_rx: Mutex<Receiver<()>>,
}

impl InOrder {
    /// A new `InOrder`: it is `first`'s turn.
    pub fn new() -> Self {
        let (to_second, second_rx) = channel();
        let (to_third, third_rx) = channel();
        InOrder {
            to_second: Mutex::new(to_second),
            second_rx: Mutex::new(second_rx),
            to_third: Mutex::new(to_third),
            third_rx: Mutex::new(third_rx),
        }
    }

    /// Runs `f`, then lets `second` go.
    pub fn first(&self, f: impl FnOnce()) {
        f();
        self.to_second.lock().unwrap().send(()).unwrap();
    }

    /// Waits for `first`, runs `f`, lets `third` go.
    pub fn second(&self, f: impl FnOnce()) {
        self.second_rx.lock().unwrap().recv().unwrap();
        f();
        self.to_third.lock().unwrap().send(()).unwrap();
    }

    /// Waits for `second`, runs `f`.
    pub fn third(&self, f: impl FnOnce()) {
        self.third_rx.lock().unwrap().recv().unwrap();
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
    to_foo: Mutex<Sender<()>>,
    foo_rx: Mutex<Receiver<()>>,
    to_bar: Mutex<Sender<()>>,
    bar_rx: Mutex<Receiver<()>>,
}

impl Alternate {
    /// `n` turns each, `foo` first.
    pub fn new(n: usize) -> Self {
        let (to_foo, foo_rx) = channel();
        let (to_bar, bar_rx) = channel();
        // foo holds the baton to begin with.
        to_foo.send(()).unwrap();
        Alternate {
            n,
            to_foo: Mutex::new(to_foo),
            foo_rx: Mutex::new(foo_rx),
            to_bar: Mutex::new(to_bar),
            bar_rx: Mutex::new(bar_rx),
        }
    }

    /// `foo`'s turns.
    pub fn foo(&self, mut f: impl FnMut()) {
        let rx = self.foo_rx.lock().unwrap();
        for _ in 0..self.n {
            rx.recv().unwrap();
            f();
            self.to_bar.lock().unwrap().send(()).unwrap();
        }
    }

    /// `bar`'s turns.
    pub fn bar(&self, mut f: impl FnMut()) {
        let rx = self.bar_rx.lock().unwrap();
        for _ in 0..self.n {
            rx.recv().unwrap();
            f();
            self.to_foo.lock().unwrap().send(()).unwrap();
        }
    }
}
