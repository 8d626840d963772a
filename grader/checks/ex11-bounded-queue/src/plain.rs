//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::blocked::while_blocked;
use kata_harness::contention::{Round, Scenario, Turn};
use kata_harness::histories::{judge_rounds, Thread};
use kata_harness::inside::Inside;
use kata_harness::linearizable::Model;
use kata_harness::panicking::panics;
use kata_harness::queues::{judge_handoff, said, Fifo, QueueCall as Call};
use kata_harness::waiting::judge_waiting;
use kata_harness::{ensure, fail, ms, pass, step_limit, within, Outcome};
use std::sync::Arc;

/// Makes `call` on `queue` (`offer` and `poll` with a timeout of 0); what it
/// returned, as the model says it.
fn perform(queue: &BoundedQueue<u32>, call: Call) -> String {
    let ret = match call {
        Call::Put(v) => Some((queue.put(v), 0).1),
        Call::Offer(v) => queue.offer(v, Duration::ZERO).ok().map(|()| 0),
        Call::Take => Some(queue.take()),
        Call::Poll => queue.poll(Duration::ZERO),
        Call::Len => Some(queue.len() as u32),
    };
    said(call, ret)
}

pub fn one_thread() -> Verdict {
    let zero =
        within(step_limit(), "BoundedQueue::new(0)", || panics(|| BoundedQueue::<u32>::new(0)))?;
    ensure(zero, || {
        fail(
            "BoundedQueue::new(0) returned a queue: the contract says it panics (a queue that \
              holds nothing could never take a put). Start `new` with `assert!(capacity > 0)`.",
        )
    })?;
    use Call::*;
    let script = [(Put(1), 1), (Put(2), 2), (Offer(3), 3), (Offer(4), 3), (Take, 2), (Poll, 1)];
    let script = script.into_iter().chain([(Put(5), 2), (Take, 1), (Take, 0), (Poll, 0)]);
    within(step_limit(), "10 calls on a queue of capacity 3, on one thread", move || {
        let (queue, mut model) = (BoundedQueue::new(3), Fifo::new(3));
        let mut told = vec!["new(3)".to_string()];
        for (call, want_len) in script {
            let (got, want, len) = (perform(&queue, call), model.step(&call), queue.len());
            told.push(format!("{call} → {got}, then len() → {len}"));
            let lesson = match call {
                _ if Some(&got) == want.as_ref() => "len() counts the items inside, under the lock",
                Offer(3) => "offer refused an item with room left: a queue of capacity 3 holds 3",
                Offer(_) => {
                    "offer let a 4th item into a queue of capacity 3: it is full at \
                             `len() == capacity`"
                }
                _ => {
                    "items come out oldest first: `push_back` and `pop_front` (a stack, \
                      `pop_back`, hands out the newest)"
                }
            };
            ensure(Some(&got) == want.as_ref() && len == want_len, || {
                fail(format!("{}: the last is wrong. {lesson}.", told.join("; ")))
            })?;
        }
        let queue = BoundedQueue::new(1);
        queue.put(8);
        let (offered, took, polled) = (queue.offer(9, ms(20)), queue.take(), queue.poll(ms(20)));
        ensure(offered == Err(9) && took == 8 && polled.is_none(), || {
            fail(format!(
                "new(1), put(8), then offer(9, 20 ms) → {offered:?}, take() → {took}, poll(20 ms) \
                 → {polled:?}: a timed call that finds no room (or no item) until its timeout \
                 gives up, offer giving the item back (Err(9)), poll saying None"
            ))
        })?;
        Ok(pass("FIFO order, len(), capacity, and offer / poll giving up"))
    })?
}

/// Items per producer: A puts 0 to 299, B 1000 to 1299.
const ITEMS: u32 = 300;
const CAPACITY: usize = 3;

type Shared = (BoundedQueue<u32>, Inside);

/// 2 producers and 2 consumers on a queue of capacity 3, 3 rounds, counted by
/// the check's own meter. Every fourth call is the timed one.
fn contention() -> Result<Vec<Round<Shared, Vec<u32>>>, Outcome> {
    let long = Duration::from_secs(30);
    let producer = move |(queue, inside): &Shared, turn: &Turn| {
        for item in [0, 1000][turn.thread]..[ITEMS, 1000 + ITEMS][turn.thread] {
            match item % 4 {
                3 => assert!(queue.offer(item, long).is_ok(), "offer(_, 30 s) gave up"),
                _ => queue.put(item),
            }
            inside.added();
        }
        Vec::new()
    };
    let consumer = move |(queue, inside): &Shared, _: &Turn| {
        let take = |i| match i % 4 {
            3 => queue.poll(long).expect("poll(30 s) gave up"),
            _ => queue.take(),
        };
        (0..ITEMS).map(|i| (inside.removing(), take(i)).1).collect()
    };
    let state = || (BoundedQueue::new(CAPACITY), Inside::new());
    Scenario::new("2 producers and 2 consumers on a queue of capacity 3", state)
        .thread("producer A", producer)
        .thread("producer B", producer)
        .thread("consumer C", consumer)
        .thread("consumer D", consumer)
        .on_hang("a lost wake-up (a put or take that never notifies the other side)?")
        .stress(3, step_limit())
}

pub fn every_item_once_in_order() -> Verdict {
    let producers = [(0..ITEMS).collect(), (1000..1000 + ITEMS).collect()];
    for round in contention()? {
        let took = |i: usize| round.parts[i].result.as_slice();
        let consumers = [("consumer C", took(2)), ("consumer D", took(3))];
        judge_handoff(&producers, &consumers).map_err(|why| {
            fail(format!(
                "producer A put 0 to 299 and producer B 1000 to 1299: {why}. {ONCE_IN_ORDER}"
            ))
        })?;
    }
    Ok(pass("3 rounds of 1200 items: every one out once, each producer's in order"))
}

pub fn capacity_held() -> Verdict {
    let peak = contention()?.iter().map(|r| r.state.1.peak()).max().unwrap_or(0);
    let figure = |o: Outcome| o.figure("most items inside at once", peak, "≤ 3");
    ensure(peak <= CAPACITY, || {
        figure(fail(format!("a queue of capacity 3 held {peak} items at once. {FULL}")))
    })?;
    Ok(figure(pass("3 rounds of 1200 items: never more than 3 inside")))
}

pub fn put_blocks_asleep() -> Verdict {
    let queue = Arc::new(BoundedQueue::new(2));
    let (waiter, other) = (Arc::clone(&queue), Arc::clone(&queue));
    within(step_limit(), "put(1), put(2) on a queue of capacity 2", move || {
        queue.put(1);
        queue.put(2)
    })?;
    let side = move || {
        let (len, offered, took) = (other.len(), other.offer(4, Duration::ZERO), other.take());
        let told = format!("len() → {len}, offer(4, 0 ms) → {offered:?}, take() → {took}");
        let right = len == 2 && offered == Err(4) && took == 1;
        right.then_some(()).ok_or(format!("{told}, not 2, Err(4) and 1"))
    };
    let what = "put(3) on a full queue of capacity 2";
    let waited = while_blocked(what, ms(300), ms(3000), move || waiter.put(3), side)?;
    judge_waiting(&waited, &format!("a thread blocked in {what}"))
}

pub fn take_blocks_asleep() -> Verdict {
    let queue = Arc::new(BoundedQueue::new(2));
    let (other, took) = (Arc::clone(&queue), Arc::new(std::sync::Mutex::new(None)));
    let (waiter, taken) = (Arc::clone(&queue), Arc::clone(&took));
    let block = move || *taken.lock().unwrap_or_else(|e| e.into_inner()) = Some(waiter.take());
    let side = move || {
        let (len, polled) = (other.len(), other.poll(Duration::ZERO));
        other.put(7);
        let right = len == 0 && polled.is_none();
        right.then_some(()).ok_or(format!("len() → {len}, poll(0 ms) → {polled:?}, not 0 and None"))
    };
    let what = "take() on an empty queue of capacity 2";
    let waited = while_blocked(what, ms(300), ms(3000), block, side)?;
    let took = *took.lock().unwrap_or_else(|e| e.into_inner());
    ensure(took == Some(7), || fail(format!("{what}, released by put(7), returned {took:?}")))?;
    judge_waiting(&waited, &format!("a thread blocked in {what}"))
}

/// 3 threads × 7 calls on a queue of capacity 2, picked by round. A thread
/// puts only when it holds no item of its own, and takes only when it does,
/// so every blocked call can be ended by the others: no round hangs.
pub fn linearizable() -> Verdict {
    let script = |queue: &BoundedQueue<u32>, me: &mut Thread<'_, Fifo>| {
        let mut holding = false;
        for i in 0..8 {
            let value = (me.index * 10 + i) as u32;
            let call = match (me.choices.pick(3), holding) {
                (_, true) if i == 7 => Call::Take,
                (_, false) if i == 7 => break,
                (0, _) => Call::Len,
                (1, false) => Call::Put(value),
                (_, false) => Call::Offer(value),
                (1, true) => Call::Take,
                (_, true) => Call::Poll,
            };
            let ret = me.call(call, || perform(queue, call));
            let moved = matches!(call, Call::Put(_) | Call::Take);
            holding ^= moved || ret == "Ok(())" || ret.starts_with("Some");
        }
    };
    let advice = "Look at the items and change them in one lock scope, and let len() read them \
                  under that same lock.";
    let (what, model) =
        ("3 threads × 7 calls on capacity 2", "a queue of capacity 2, empty at first");
    within(step_limit(), "60 rounds of 3 threads calling the queue", move || {
        judge_rounds(what, (60, 3), &Fifo::new(2), model, || BoundedQueue::new(2), script, advice)
    })?
}
