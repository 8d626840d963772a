//! The model build: shuttle picks every interleaving, spurious wake-ups and
//! time-outs included.

use super::*;
use kata_harness::contention::{Part, Scenario, Turn};
use kata_harness::inside::Inside;
use kata_harness::model::{after_tag, by_tag};
use kata_harness::panicking::panic_text;
use kata_harness::queues::judge_handoff;
use kata_harness::timed::{gives_up_on_time, released_in_time, HOUR};
use kata_harness::Outcome;
use kata_sync::model::{narrate, sleeps, Failure};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The queue, the check's count of the items inside, and the capacity.
type State = (BoundedQueue<u32>, Inside, usize);

/// Puts `first`, `first + 1`, ... (`n` items); after each put returns, the
/// check's count must be within the capacity.
fn putter(first: u32, n: u32) -> impl Fn(&State, &Turn) -> Vec<u32> + Send + Sync + 'static {
    move |(queue, inside, capacity), _| {
        for item in first..first + n {
            narrate(format!("calls put({item})"));
            queue.put(item);
            let now = inside.added();
            narrate(format!("put({item}) returns"));
            assert!(now <= *capacity as isize, "OVER: {now} inside, capacity {capacity}");
        }
        Vec::new()
    }
}

/// Takes `n` items, and returns them in the order it took them.
fn taker(n: u32) -> impl Fn(&State, &Turn) -> Vec<u32> + Send + Sync + 'static {
    move |(queue, inside, _), _| {
        let take = || {
            inside.removing();
            narrate("calls take()");
            let took = catch_unwind(AssertUnwindSafe(|| queue.take()));
            let item = took.unwrap_or_else(|panic| panic!("EMPTY: {}", panic_text(&*panic)));
            narrate(format!("take() returns {item}"));
            item
        };
        (0..n).map(|_| take()).collect()
    }
}

/// Once every thread is done: every item out exactly once, each taker's
/// items of one putter in order, and nobody polled with a sleep.
fn judge(n: u32) -> impl Fn(&State, &[Part<Vec<u32>>]) -> Result<(), Outcome> {
    move |(queue, _, _), parts| {
        assert!(sleeps() == 0, "POLLS");
        let producers = [(1..1 + n).collect(), (11..11 + n).collect()];
        let takers = [("taker C", parts[2].result.as_slice()), ("taker D", &parts[3].result)];
        if let Err(why) = judge_handoff(&producers, &takers) {
            panic!("HANDOFF: putter A put {:?}, putter B {:?}: {why}", producers[0], producers[1]);
        }
        let len = queue.len();
        assert!(len == 0, "LEN: len() said {len} once every item was out");
        Ok(())
    }
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

/// Putters A and B of `n` items each (A's from 1, B's from 11) and takers
/// C and D of `n` items each, on a queue of `capacity`.
fn putters_and_takers(capacity: usize, n: u32, passed: &str) -> Verdict {
    let state = move || (BoundedQueue::new(capacity), Inside::new(), capacity);
    let what = format!("2 putters and 2 takers of {n} item(s) each, capacity {capacity}");
    Scenario::new(what, state)
        .thread("putter A", putter(1, n))
        .thread("putter B", putter(11, n))
        .thread("taker C", taker(n))
        .thread("taker D", taker(n))
        .judge(judge(n))
        .check(passed, explain)
}

pub fn wait_in_a_loop() -> Verdict {
    // 2 items a putter: A's second put can take the place a take freed for
    // B, asleep in put, before B has the lock back (a stolen wake-up).
    putters_and_takers(1, 2, "no take from an empty queue, no put into a full one")
}

pub fn no_lost_wake_up() -> Verdict {
    putters_and_takers(2, 2, "every thread finished, every item out once and in order")
}

const TIMEOUT: Duration = Duration::from_millis(100);

pub fn poll_timeout() -> Verdict {
    gives_up_on_time("poll(100 ms) on an empty queue", "an item", TIMEOUT, || {
        BoundedQueue::<u32>::new(1).poll(TIMEOUT).is_some()
    })?;
    let waiter = |queue: &BoundedQueue<u32>| queue.poll(HOUR).is_some();
    let putter = |queue: &BoundedQueue<u32>| {
        narrate("calls put(1)");
        queue.put(1);
    };
    let make = || BoundedQueue::new(1);
    released_in_time("poll(1 hour) on an empty queue", "an item was put", make, waiter, putter)
}

pub fn offer_timeout() -> Verdict {
    let full = || {
        let queue = BoundedQueue::new(1);
        queue.put(0);
        queue
    };
    gives_up_on_time("offer(1, 100 ms) on a full queue", "Ok (room)", TIMEOUT, move || {
        let offered = full().offer(1, TIMEOUT);
        assert!(matches!(offered, Ok(()) | Err(1)), "offer(1, _) gave back {offered:?}");
        offered.is_ok()
    })?;
    let waiter = |queue: &BoundedQueue<u32>| queue.offer(1, HOUR).is_ok();
    let taker = |queue: &BoundedQueue<u32>| {
        narrate("calls take()");
        let _ = queue.take();
    };
    let (what, release) = ("offer(1, 1 hour) on a full queue", "an item was taken");
    released_in_time(what, release, full, waiter, taker)
}
