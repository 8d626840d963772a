//! How `lock` waits, read from the learner's crate: a lock that retries its
//! compare-exchange excludes as well as one that waits on a load, and timing
//! them on a shared 2-core machine would measure the machine.

use kata_harness::source::Rule;
use kata_harness::Verdict;

const RULE: Rule = Rule {
    function: "lock",
    version: "the spin lock's wait",
    technique: "test and test-and-set: while the flag says held, only `load` it (with \
                `hint::spin_loop()` each turn), and try to take it only when a load saw it free",
    requires: &[
        (
            ".compare_exchange .compare_exchange_weak .swap .fetch_or .fetch_add", // a ticket, too
            "it never takes the flag with a read-modify-write (`compare_exchange_weak(false, \
             true, Acquire, Relaxed)` or `swap(true, Acquire)`): a `load` then a `store` lets \
             two threads both see it free and both take it",
        ),
        (
            ".load",
            "it never `load`s the flag: it waits by retrying the exchange itself. A \
             compare-exchange or swap is a write even when it fails: each try takes the flag's \
             cache line away from every other core, the holder included, which then waits for \
             the line back before it can even unlock. Waiters that only load share the line \
             and cost the holder nothing until it writes. Spin on `while \
             self.locked.load(Ordering::Relaxed) { hint::spin_loop(); }` and try the exchange \
             again after it",
        ),
        (
            "spin_loop yield_now",
            "its wait loop calls neither `hint::spin_loop()` nor `thread::yield_now()`: the \
             first tells the CPU it is spinning (and the model checker that another thread may \
             run)",
        ),
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
