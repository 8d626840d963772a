//! Known right: the turn is a token passed down channels: first sends to second's, second to third's; Alternate passes one token back and forth.

use kata_sync::sync::mpsc::{channel, Receiver, Sender};
use kata_sync::sync::Mutex;

/// A channel kept shareable by reference: `Receiver` is not `Sync`.
struct Baton {
    tx: Mutex<Sender<()>>,
    rx: Mutex<Receiver<()>>,
}

impl Baton {
    fn new() -> Baton {
        let (tx, rx) = channel();
        Baton { tx: Mutex::new(tx), rx: Mutex::new(rx) }
    }

    fn pass(&self) {
        let _ = self.tx.lock().unwrap().send(());
    }

    /// Sleeps in `recv` until the baton is passed.
    fn take(&self) {
        let _ = self.rx.lock().unwrap().recv();
    }
}

pub struct InOrder {
    to_second: Baton,
    to_third: Baton,
}

impl InOrder {
    pub fn new() -> Self {
        InOrder { to_second: Baton::new(), to_third: Baton::new() }
    }

    pub fn first(&self, f: impl FnOnce()) {
        f();
        self.to_second.pass();
    }

    pub fn second(&self, f: impl FnOnce()) {
        self.to_second.take();
        f();
        self.to_third.pass();
    }

    pub fn third(&self, f: impl FnOnce()) {
        self.to_third.take();
        f();
    }
}

impl Default for InOrder {
    fn default() -> Self {
        Self::new()
    }
}

pub struct Alternate {
    n: usize,
    to_foo: Baton,
    to_bar: Baton,
}

impl Alternate {
    pub fn new(n: usize) -> Self {
        let to_foo = Baton::new();
        to_foo.pass();
        Alternate { n, to_foo, to_bar: Baton::new() }
    }

    pub fn foo(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.to_foo.take();
            f();
            self.to_bar.pass();
        }
    }

    pub fn bar(&self, mut f: impl FnMut()) {
        for _ in 0..self.n {
            self.to_bar.take();
            f();
            self.to_foo.pass();
        }
    }
}
