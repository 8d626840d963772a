//! Queues between threads: the sequential specification of a bounded
//! blocking queue, for histories ([`Fifo`], [`QueueCall`]), the judgement
//! of what consumers took from producers ([`judge_handoff`]), and the
//! scenario of two producers and two consumers that it judges ([`Handoff`]),
//! on real threads and under the model checker alike.
//!
//! The calls are those of Java's `BlockingQueue` and Python's `queue.Queue`:
//! `put` and `take` block, `offer` and `poll` here with a timeout of 0 (they
//! succeed only if they can at once), `len` reads the count.

#[cfg(feature = "model")]
use crate::contention::{Part, Scenario, Turn};
#[cfg(feature = "model")]
use crate::inside::Inside;
use crate::linearizable::Model;
use std::collections::VecDeque;
use std::fmt;
#[cfg(feature = "model")]
use std::sync::Arc;

/// A call on a queue of numbered items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueCall {
    Put(u32),
    /// `offer(item, 0)`: `Ok(())`, or `Err(item)` when full.
    Offer(u32),
    Take,
    /// `poll(0)`: `Some(item)`, or `None` when empty.
    Poll,
    Len,
}

impl fmt::Display for QueueCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueCall::Put(v) => write!(f, "put({v})"),
            QueueCall::Offer(v) => write!(f, "offer({v}, 0 ms)"),
            QueueCall::Take => write!(f, "take()"),
            QueueCall::Poll => write!(f, "poll(0 ms)"),
            QueueCall::Len => write!(f, "len()"),
        }
    }
}

/// What a call returned, as [`Fifo`] says it: `returns` (a put), `Ok(())` /
/// `Err(3)` (an offer), `3` (a take), `Some(3)` / `None` (a poll), `2` (len).
pub fn said<T: fmt::Debug + fmt::Display>(call: QueueCall, ret: Option<T>) -> String {
    match (call, ret) {
        (QueueCall::Put(_), _) => "returns".into(),
        (QueueCall::Offer(v), None) => format!("Err({v})"),
        (QueueCall::Offer(_), Some(_)) => "Ok(())".into(),
        (QueueCall::Poll, ret) => format!("{ret:?}"),
        (_, ret) => ret.map_or_else(String::new, |r| r.to_string()),
    }
}

/// A first-in first-out queue of at most `capacity` items, as one thread
/// sees it. `put` takes effect only at a moment when there is room, `take`
/// only when there is an item.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Fifo {
    pub items: VecDeque<u32>,
    pub capacity: usize,
}

impl Fifo {
    /// An empty queue of `capacity`.
    pub fn new(capacity: usize) -> Fifo {
        Fifo { items: VecDeque::new(), capacity }
    }
}

impl Model for Fifo {
    type Call = QueueCall;
    type Ret = String;
    fn step(&mut self, call: &QueueCall) -> Option<String> {
        let full = self.items.len() >= self.capacity;
        let ret = match *call {
            QueueCall::Put(_) if full => return None,
            QueueCall::Offer(_) if full => None,
            QueueCall::Put(v) | QueueCall::Offer(v) => Some((self.items.push_back(v), 0).1),
            QueueCall::Take => Some(self.items.pop_front()?),
            QueueCall::Poll => self.items.pop_front(),
            QueueCall::Len => Some(self.items.len() as u32),
        };
        Some(said(*call, ret))
    }
}

/// Judges a hand-off: producer `p` put `producers[p]` (its items, in the
/// order it put them; no item put twice), and each consumer (a name and
/// what it took, in order) took some. Every item must be taken exactly
/// once, and each consumer must have seen each producer's items in the
/// order they were put. The error says what went wrong, naming the item.
pub fn judge_handoff(producers: &[Vec<u32>], consumers: &[(&str, &[u32])]) -> Result<(), String> {
    let mut from = std::collections::HashMap::new();
    for (p, items) in producers.iter().enumerate() {
        from.extend(items.iter().enumerate().map(|(i, &item)| (item, (p, i))));
    }
    let mut taken = std::collections::HashSet::new();
    for (name, took) in consumers {
        let mut last: Vec<Option<(usize, u32)>> = vec![None; producers.len()];
        for &item in *took {
            let Some(&(p, i)) = from.get(&item) else {
                return Err(format!("{name} took {item}, which nobody put"));
            };
            if !taken.insert(item) {
                return Err(format!("{item} came out twice ({name} took it a second time)"));
            }
            if let Some((_, before)) = last[p].filter(|&(j, _)| j > i) {
                return Err(format!(
                    "{name} took {item} after {before}, though they were put the other way round"
                ));
            }
            last[p] = Some((i, item));
        }
    }
    match from.len() - taken.len() {
        0 => Ok(()),
        lost => Err(format!("{lost} of the {} items put never came out", from.len())),
    }
}

/// Two producers and two consumers of `n` items each on one container (a
/// queue, a channel): producer A puts 1 to n, producer B 1001 to 1000 + n,
/// each in order, and consumers C and D take n each. The state pairs the
/// container with the check's [`Inside`] count of the items in it.
#[cfg(feature = "model")]
#[derive(Clone, Copy, Debug)]
pub struct Handoff(pub u32);

#[cfg(feature = "model")]
impl Handoff {
    /// What producer `p` (A is 0, B is 1) puts, in order.
    pub fn items(self, p: usize) -> std::ops::Range<u32> {
        let first = 1 + 1000 * p as u32;
        first..first + self.0
    }

    /// The four threads on the container `make()` gives: a producer calls
    /// `put(container, item)` for each of its items, counted in once the
    /// call returned; a consumer counts one out, then calls `take(container,
    /// i)` for its `i`-th item. Each thread's result is what it took.
    pub fn scenario<C: Send + Sync + 'static>(
        self,
        what: impl Into<String>,
        make: impl Fn() -> C + Send + Sync + 'static,
        put: impl Fn(&C, u32) + Send + Sync + 'static,
        take: impl Fn(&C, u32) -> u32 + Send + Sync + 'static,
    ) -> Scenario<(C, Inside), Vec<u32>> {
        type Part<C> = Arc<dyn Fn(&(C, Inside), &Turn) -> Vec<u32> + Send + Sync>;
        let producer: Part<C> = Arc::new(move |(container, inside), turn| {
            for item in self.items(turn.thread) {
                put(container, item);
                inside.added();
            }
            Vec::new()
        });
        let consumer: Part<C> = Arc::new(move |(container, inside), _| {
            (0..self.0).map(|i| (inside.removing(), take(container, i)).1).collect()
        });
        let part = |part: &Part<C>| {
            let part = Arc::clone(part);
            move |state: &(C, Inside), turn: &Turn| part(state, turn)
        };
        Scenario::new(what, move || (make(), Inside::new()))
            .thread("producer A", part(&producer))
            .thread("producer B", part(&producer))
            .thread("consumer C", part(&consumer))
            .thread("consumer D", part(&consumer))
    }

    /// Judges a round's four results (A, B, C, D, as [`Handoff::scenario`]
    /// adds them) with [`judge_handoff`]; the error names what was put.
    pub fn judge(self, parts: &[Part<Vec<u32>>]) -> Result<(), String> {
        let producers = [self.items(0).collect(), self.items(1).collect()];
        let consumers = [("consumer C", &*parts[2].result), ("consumer D", &parts[3].result)];
        judge_handoff(&producers, &consumers).map_err(|why| {
            let n = self.0;
            format!("producer A put 1 to {n} and producer B 1001 to {}: {why}", 1000 + n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linearizable::{check, Recorder};

    #[test]
    fn the_model_is_a_bounded_fifo() {
        let mut q = Fifo::new(2);
        let mut run = |call| q.step(&call);
        assert_eq!(run(QueueCall::Put(1)).as_deref(), Some("returns"));
        assert_eq!(run(QueueCall::Offer(2)).as_deref(), Some("Ok(())"));
        assert_eq!(run(QueueCall::Put(3)), None, "a put on a full queue waits");
        assert_eq!(run(QueueCall::Offer(3)).as_deref(), Some("Err(3)"));
        assert_eq!(run(QueueCall::Len).as_deref(), Some("2"));
        assert_eq!(run(QueueCall::Take).as_deref(), Some("1"));
        assert_eq!(run(QueueCall::Poll).as_deref(), Some("Some(2)"));
        assert_eq!(run(QueueCall::Poll).as_deref(), Some("None"));
        assert_eq!(run(QueueCall::Take), None, "a take on an empty queue waits");
    }

    #[test]
    fn a_stack_is_not_linearizable_as_a_queue() {
        let recorder = Recorder::new();
        for call in [QueueCall::Put(1), QueueCall::Put(2)] {
            recorder.call(0, call, || said::<u32>(call, None));
        }
        recorder.call(1, QueueCall::Take, || "2".to_string());
        assert!(check(&Fifo::new(4), &recorder.history()).is_err());
        let recorder = Recorder::new();
        recorder.call(0, QueueCall::Put(1), || "returns".to_string());
        recorder.call(1, QueueCall::Take, || "1".to_string());
        assert!(check(&Fifo::new(4), &recorder.history()).is_ok());
    }

    /// A queue of at most 2 items on std's Mutex and Condvar.
    #[cfg(all(feature = "model", not(any(kata_shuttle, kata_loom))))]
    #[derive(Default)]
    struct Two(std::sync::Mutex<VecDeque<u32>>, std::sync::Condvar);

    #[cfg(all(feature = "model", not(any(kata_shuttle, kata_loom))))]
    impl Two {
        fn put(&self, item: u32) {
            let items = self.0.lock().unwrap();
            let mut items = self.1.wait_while(items, |items| items.len() >= 2).unwrap();
            items.push_back(item);
            self.1.notify_all();
        }
        fn take(&self, _: u32) -> u32 {
            let items = self.0.lock().unwrap();
            let mut items = self.1.wait_while(items, |items| items.is_empty()).unwrap();
            self.1.notify_all();
            items.pop_front().unwrap()
        }
    }

    #[cfg(all(feature = "model", not(any(kata_shuttle, kata_loom))))]
    #[test]
    fn a_handoff_runs_four_threads_and_is_judged() {
        let handoff = Handoff(50);
        let rounds = handoff
            .scenario("a queue of 2", Two::default, Two::put, Two::take)
            .stress(2, std::time::Duration::from_secs(20))
            .unwrap();
        for round in &rounds {
            assert_eq!(handoff.judge(&round.parts), Ok(()));
            assert!(round.state.1.peak() <= 2, "{}", round.state.1.peak());
        }
        let mut parts = rounds[0].parts.clone();
        parts[2].result.swap(0, 1);
        parts[2].result.push(7);
        let wrong = handoff.judge(&parts).unwrap_err();
        assert!(
            wrong.starts_with("producer A put 1 to 50 and producer B 1001 to 1050: "),
            "{wrong}"
        );
    }

    #[test]
    fn handoffs_are_judged_item_by_item() {
        let producers = [vec![1, 2, 3], vec![11, 12]];
        let judge = |c: &[u32], d: &[u32]| judge_handoff(&producers, &[("C", c), ("D", d)]);
        assert_eq!(judge(&[1, 11, 3], &[2, 12]), Ok(()));
        assert_eq!(
            judge(&[1, 3, 11], &[2, 12, 3]).unwrap_err(),
            "3 came out twice (D took it a second time)"
        );
        assert!(judge(&[3, 1, 11], &[2, 12]).unwrap_err().starts_with("C took 1 after 3"));
        assert_eq!(judge(&[1, 11], &[2, 12]).unwrap_err(), "1 of the 5 items put never came out");
        assert_eq!(judge(&[1, 7], &[]).unwrap_err(), "C took 7, which nobody put");
    }
}
