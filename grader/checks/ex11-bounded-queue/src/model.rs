//! The model build: shuttle picks every interleaving, spurious wake-ups and
//! time-outs included.

use super::*;
use kata_harness::contention::Part;
use kata_harness::inside::Inside;
use kata_harness::model::{after_tag, by_tag};
use kata_harness::panicking::panic_text;
use kata_harness::queues::Handoff;
use kata_harness::timed::honours_timeout;
use kata_sync::model::{narrate, sleeps, Failure};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The queue and the check's count of the items inside.
type State = (BoundedQueue<u32>, Inside);

fn put(queue: &BoundedQueue<u32>, item: u32) {
    narrate(format!("calls put({item})"));
    queue.put(item);
    narrate(format!("put({item}) returns"));
}

fn take(queue: &BoundedQueue<u32>, _: u32) -> u32 {
    narrate("calls take()");
    let took = catch_unwind(AssertUnwindSafe(|| queue.take()));
    let item = took.unwrap_or_else(|panic| panic!("EMPTY: {}", panic_text(&*panic)));
    narrate(format!("take() returns {item}"));
    item
}

fn explain(failure: &Failure) -> String {
    let empty = format!(
        "a take() panicked ({}): it left its wait with the queue empty. A wake-up only means \
         \"look again\": it may be spurious, or another taker (one that was not even waiting) \
         took the item first, a stolen wake-up. Wait in a `while` loop (`while \
         items.is_empty()`), and pop under the lock that saw the item.",
        after_tag(failure, "EMPTY: ")
    );
    let over = format!(
        "a put() returned with more items inside than the capacity: a putter left its wait with \
         the queue full, woken spuriously or beaten to the free place by another putter. {FULL}"
    );
    let handoff = format!("{}. {ONCE_IN_ORDER}", after_tag(failure, "HANDOFF: "));
    let len = "once every item was out, len() did not say 0: read the count of the items under \
               the lock, from the items themselves.";
    let polls = "a waiter called thread::sleep: it sleeps and looks again, in a loop. Sleep on a \
                 `Condvar` instead, and let the other side's change wake you.";
    let stuck = "a thread slept for ever in put() or take(), though the other side had made room \
                 or brought an item. Either putters and takers share one condvar with \
                 `notify_one`, which can wake a thread of the wrong kind (a taker woken by a \
                 taker): give each side a condvar of its own (or `notify_all`). Or a notify is \
                 missing, or comes too soon (before the change, with the change made outside \
                 the lock, or only when the queue leaves empty or full). Change the queue, then \
                 notify the other side, under the same lock, after every put and every take.";
    let lessons = [
        ("EMPTY", &*empty),
        ("OVER", &*over),
        ("HANDOFF", &*handoff),
        ("LEN", len),
        ("POLLS", polls),
    ];
    by_tag(failure, &lessons, stuck)
}

/// The hand-off of `n` items a producer on a queue of `capacity`, judged
/// once every thread is done: never more inside than the capacity, every
/// item out exactly once and in order, and nobody polled with a sleep.
fn handoff(capacity: usize, n: u32, passed: &str) -> Verdict {
    let judge = move |(queue, inside): &State, parts: &[Part<Vec<u32>>]| {
        assert!(sleeps() == 0, "POLLS");
        let peak = inside.peak();
        assert!(peak <= capacity, "OVER: {peak} inside, capacity {capacity}");
        Handoff(n).judge(parts).unwrap_or_else(|why| panic!("HANDOFF: {why}"));
        let len = queue.len();
        assert!(len == 0, "LEN: len() said {len} once every item was out");
        Ok(())
    };
    let what = format!("2 producers and 2 consumers of {n} items each, capacity {capacity}");
    Handoff(n)
        .scenario(what, move || BoundedQueue::new(capacity), put, take)
        .judge(judge)
        .check(passed, explain)
}

pub fn wait_in_a_loop() -> Verdict {
    // 2 items a putter: A's second put can take the place a take freed for
    // B, asleep in put, before B has the lock back (a stolen wake-up).
    handoff(1, 2, "no take from an empty queue, no put into a full one")
}

pub fn no_lost_wake_up() -> Verdict {
    handoff(2, 2, "every thread finished, every item out once and in order")
}

pub fn poll_timeout() -> Verdict {
    let poll = |queue: &BoundedQueue<u32>, timeout| queue.poll(timeout).is_some();
    let put = |queue: &BoundedQueue<u32>| {
        narrate("calls put(1)");
        queue.put(1);
    };
    let said = ("an item", "an item was put");
    honours_timeout("poll({}) on an empty queue", said, || BoundedQueue::new(1), poll, put)
}

pub fn offer_timeout() -> Verdict {
    let full = || {
        let queue = BoundedQueue::new(1);
        queue.put(0);
        queue
    };
    let offer = |queue: &BoundedQueue<u32>, timeout| {
        let offered = queue.offer(1, timeout);
        assert!(matches!(offered, Ok(()) | Err(1)), "offer(1, _) gave back {offered:?}");
        offered.is_ok()
    };
    let take = |queue: &BoundedQueue<u32>| {
        narrate("calls take()");
        let _ = queue.take();
    };
    let said = ("Ok (room)", "an item was taken");
    honours_timeout("offer(1, {}) on a full queue", said, full, offer, take)
}
