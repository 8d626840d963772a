//! How it is built: how `lock` waits, read from the learner's source (a lock that retries its
//! exchange excludes as well as one that waits on a load, and timing them would measure the
//! machine), and what the `unsafe impl`s promise, read from the types.

use crate::{target::Receiver, target::Sender, SpinLock};
use kata_harness::source::Rule;
use kata_harness::{fail, is_send, is_sync, pass, Verdict};
use std::{cell::Cell, rc::Rc};

const RULE: Rule = Rule {
    function: "lock",
    version: "the spin lock's wait",
    technique: "test and test-and-set: while the flag says held, only `load` it (with \
                `hint::spin_loop()` each turn), and try to take it only when a load saw it free",
    requires: &[
        // A ticket lock takes its turn with `fetch_add`.
        (".compare_exchange .compare_exchange_weak .swap .fetch_or .fetch_add", "it never takes the flag with a read-modify-write (`compare_exchange_weak(false, true, Acquire, Relaxed)` or `swap(true, Acquire)`): a `load` then a `store` lets two threads both see it free and both take it"),
        (".load", "it never `load`s the flag: it waits by retrying the exchange itself. A compare-exchange or swap is a write even when it fails: each try takes the flag's cache line away from every other core, the holder included, which then waits for the line back before it can even unlock. Waiters that only load share the line and cost the holder nothing until it writes. Spin on `while self.locked.load(Ordering::Relaxed) { hint::spin_loop(); }` and try the exchange again after it"),
        ("spin_loop yield_now", "its wait loop calls neither `hint::spin_loop()` nor `thread::yield_now()`: the first tells the CPU it is spinning (and the model checker that another thread may run)"),
    ],
    forbids: &[],
};

pub fn spins_on_a_load() -> Verdict {
    kata_harness::spinning::built_as(
        kata_harness::source_under_check!(),
        &RULE,
        "lock takes the flag with a read-modify-write and waits on a load",
    )
}

/// What the `unsafe impl`s promise, read from the types: no run shows it.
pub fn send_and_sync() -> Verdict {
    let wrong = [
        (is_sync!(SpinLock<Rc<u8>>) || is_send!(SpinLock<Rc<u8>>), "a `SpinLock<Rc<u8>>` is Sync or Send, so two threads could clone the one `Rc` and race on its counts, which are not atomic: `unsafe impl<T: Send> Sync for SpinLock<T>` (the lock hands T from thread to thread), and no `impl Send` of your own (the compiler derives it from the fields)"),
        (!is_sync!(SpinLock<Cell<u8>>), "a `SpinLock<Cell<u8>>` is not Sync, though a lock exists to share a T that is Send but not Sync (one thread at a time touches it): bound the `unsafe impl Sync` by `T: Send`, not `T: Sync`"),
        (is_send!(Sender<Rc<u8>>) || is_send!(Receiver<Rc<u8>>), "a Sender or Receiver of an `Rc` is Send, so the `Rc` could be sent to another thread: the shared state's `unsafe impl Sync` needs `T: Send`"),
        (!is_send!(Sender<Cell<u8>>) || !is_send!(Receiver<Cell<u8>>), "a Sender or Receiver of a `Cell<u8>` is not Send, though the ends exist to be moved to two threads and a Cell may move: `T: Send` is the whole bound"),
    ];
    let why = wrong.iter().find_map(|&(bad, why)| bad.then_some(why));
    why.map_or_else(
        || Ok(pass("Sync and Send exactly where T is Send (tried: Rc, Cell)")),
        |why| Err(fail(format!("{why}."))),
    )
}
