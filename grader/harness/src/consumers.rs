//! Consumers seen from the items they handle (features `model` and `cpu`): the check's
//! own items, which record who handled them, and marks that count the end
//! of every thread that ran the check's code.
//!
//! - [`Ledger`] hands out [`Item`]s. Handling one ([`Item::handle`]) writes
//!   the item and the handling thread in the ledger; an item dropped without
//!   being handled is written down as dropped. What a producer-consumer
//!   design did is then read from the items, never from its own count:
//!   [`Ledger::judge`] says whether every item was handled exactly once
//!   (with [`judge_handoff`], each consumer seeing each producer's items in
//!   the order they were sent), and [`Ledger::per_thread`] who did how much.
//!   Thread ids are the facade's, so a ledger works under the model checker
//!   too.
//! - [`producers`] makes the check's producers: iterators of items that
//!   start late and send at their own pace, as their [`Plan`]s say.
//! - [`Held`] (real threads only: its tokens sleep) counts what the check
//!   hands over (a producer, a `handle`) until it is dropped. A design that
//!   joins its threads (or whose scope ends) has dropped everything they
//!   held when it returns; one that returns with a thread still running
//!   has not, for a token that ends lingers a moment before it counts out,
//!   so that a thread in the middle of ending is seen as still running.
//!   [`crate::footprint::Started`] is the second opinion: the system's list
//!   of threads.
//! - [`call`] puts them together: one call of a producer-consumer function
//!   on the check's producers and `handle` (slow on some items or on one
//!   thread, panicking on one, with the CPU measured while nothing comes),
//!   and what the check saw of it ([`Ran`]).

use crate::{contention::pause, queues::judge_handoff};
use kata_sync::thread::ThreadId;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{atomic::AtomicUsize, atomic::Ordering, Arc, Mutex, PoisonError};
use std::time::Duration;

/// Who handled which item, in the order they did, and what was dropped.
#[derive(Debug, Default)]
pub struct Ledger {
    handled: Mutex<Vec<(ThreadId, u32)>>,
    dropped: Mutex<Vec<u32>>,
}

/// One of the check's items: its id, and the ledger it reports to.
#[derive(Debug)]
pub struct Item {
    id: u32,
    ledger: Arc<Ledger>,
    handled: bool,
}

impl Item {
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Handles the item on the calling thread: written in the ledger.
    /// Returns its id.
    pub fn handle(mut self) -> u32 {
        self.handled = true;
        let me = kata_sync::thread::current().id();
        lock(&self.ledger.handled).push((me, self.id));
        self.id
    }
}

impl Drop for Item {
    fn drop(&mut self) {
        if !self.handled {
            lock(&self.ledger.dropped).push(self.id);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Ledger {
    pub fn new() -> Arc<Ledger> {
        Arc::default()
    }

    /// A new item `id`, reporting to this ledger.
    pub fn item(self: &Arc<Ledger>, id: u32) -> Item {
        Item { id, ledger: Arc::clone(self), handled: false }
    }

    /// How many handlings there were (an item handled twice counts twice).
    pub fn handled(&self) -> usize {
        lock(&self.handled).len()
    }

    /// The ids of the items dropped unhandled, in the order they were.
    pub fn dropped(&self) -> Vec<u32> {
        lock(&self.dropped).clone()
    }

    /// Each handling thread and the ids it handled, in order; the threads
    /// in the order of their first handling.
    pub fn per_thread(&self) -> Vec<(ThreadId, Vec<u32>)> {
        let mut threads: Vec<(ThreadId, Vec<u32>)> = Vec::new();
        for &(thread, id) in lock(&self.handled).iter() {
            match threads.iter_mut().find(|(t, _)| *t == thread) {
                Some((_, ids)) => ids.push(id),
                None => threads.push((thread, vec![id])),
            }
        }
        threads
    }

    /// Whether the items of `producers` (each producer's ids, in the order
    /// it sent them) were each handled exactly once, by threads named
    /// `consumer 1`, `consumer 2`, ... in the order they first handled one.
    /// The error names the item, and says how many lost items were dropped
    /// unhandled.
    pub fn judge(&self, producers: &[Vec<u32>]) -> Result<(), String> {
        let threads = self.per_thread();
        let names: Vec<String> = (1..=threads.len()).map(|i| format!("consumer {i}")).collect();
        let consumers: Vec<(&str, &[u32])> =
            names.iter().zip(&threads).map(|(name, (_, ids))| (&**name, &ids[..])).collect();
        judge_handoff(producers, &consumers).map_err(|why| {
            let why = why
                .replace("never came out", "were never handled")
                .replace("came out", "was handled")
                .replace("took", "handled")
                .replace(" put", " sent");
            match self.dropped().len() {
                n if n > 0 && why.ends_with("never handled") => {
                    format!("{why} ({n} of them dropped unhandled)")
                }
                _ => why,
            }
        })
    }
}

/// A producer's plan: how many items, how long before its first, and the
/// pause before each (no pause under a model checker).
#[derive(Clone, Copy, Debug)]
pub struct Plan(pub u32, pub Duration, pub Duration);

/// The check's producer: an iterator of its items, taking its time, and
/// (with a [`Held`]) counted as held until dropped.
#[derive(Debug)]
pub struct Producer {
    ids: std::ops::Range<u32>,
    ledger: Arc<Ledger>,
    plan: Plan,
    _held: Option<Token>,
    begun: bool,
}

impl Iterator for Producer {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        if !std::mem::replace(&mut self.begun, true) {
            pause(self.plan.1);
        }
        let id = self.ids.next()?;
        pause(self.plan.2);
        Some(self.ledger.item(id))
    }
}

/// The producers of `plans` on `ledger` (producer `p` sends the ids from
/// `1000 p + 1` on), and the ids each sends, in order.
pub fn producers(
    plans: &[Plan],
    ledger: &Arc<Ledger>,
    held: Option<&Arc<Held>>,
) -> (Vec<Producer>, Vec<Vec<u32>>) {
    let make = |(p, &plan): (usize, &Plan)| {
        let first = 1000 * p as u32 + 1;
        let ids = first..first + plan.0;
        let (ledger, _held, sent) =
            (Arc::clone(ledger), held.map(Held::token), ids.clone().collect());
        (Producer { ids, ledger, plan, _held, begun: false }, sent)
    };
    plans.iter().enumerate().map(make).unzip()
}

/// What the check handed over and is still held: see the module.
#[derive(Debug)]
pub struct Held {
    alive: AtomicUsize,
    linger: Duration,
}

/// One value's share of a [`Held`]: counted in when made, and out
/// `linger` after it begins to drop.
#[derive(Debug)]
pub struct Token(Arc<Held>);

impl Drop for Token {
    fn drop(&mut self) {
        std::thread::sleep(self.0.linger);
        // Ordering: SeqCst; a join on the dropping thread orders it before
        // the read.
        self.0.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Held {
    /// Nothing held yet; each drop counts out `linger` after it began.
    pub fn new(linger: Duration) -> Arc<Held> {
        Arc::new(Held { alive: AtomicUsize::new(0), linger })
    }

    /// A token for one more value handed over: keep it inside the value.
    pub fn token(self: &Arc<Held>) -> Token {
        self.alive.fetch_add(1, Ordering::SeqCst);
        Token(Arc::clone(self))
    }

    /// How many tokens are alive (or still dropping).
    pub fn alive(&self) -> usize {
        self.alive.load(Ordering::SeqCst)
    }
}

/// How the check's `handle` ([`call`]) behaves on an item.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Handling {
    /// Every `n`-th item (by id) takes this long.
    pub slow_items: Option<(u32, Duration)>,
    /// The first thread to call it takes this long on every item.
    pub slow_thread: Option<Duration>,
    /// The item it panics on ([`crate::panicking::deliberate_panic`]).
    pub panic_on: Option<u32>,
    /// Measure the process's CPU time over this stretch, from 50 ms after
    /// the call began (while consumers wait for a late producer).
    pub idle: Option<Duration>,
    /// The first two calls wait (up to this long) until both are inside:
    /// only consumers that handle at the same time can meet.
    pub meet: Option<Duration>,
}

/// The check's `handle`, as the code under check gets it.
pub type Handle = Box<dyn Fn(Item) -> u64 + Send + Sync>;

/// What the check's `handle` returns for item `id`.
pub fn result_of(id: u32) -> u64 {
    u64::from(id) * 3 + 1
}

/// One call of a producer-consumer function, as the check saw it.
#[derive(Debug)]
pub struct Ran {
    pub ledger: Arc<Ledger>,
    /// Each producer's ids, in order.
    pub sent: Vec<Vec<u32>>,
    /// What the call returned, or its panic.
    pub results: std::thread::Result<Vec<u64>>,
    /// The check's producers and handle still held when the call returned.
    pub held: usize,
    /// Threads more than before the call, 100 ms after it returned.
    pub more: Option<usize>,
    /// The thread that made the call.
    pub caller: ThreadId,
    /// The thread `handle` was slow on ([`Handling::slow_thread`]).
    pub slow: Option<ThreadId>,
    /// What the other threads did over [`Handling::idle`].
    pub idle: Option<crate::waiting::Idle>,
    /// How many of the first two calls saw the other inside
    /// ([`Handling::meet`]): 2 when they ran at the same time.
    pub met: usize,
}

/// Every item of `sent` handled exactly once ([`Ledger::judge`]), and
/// `results` one per item, the one the check's `handle` gave.
///
/// # Errors
/// What went wrong, naming the item or the counts.
pub fn judge_results(ledger: &Ledger, sent: &[Vec<u32>], results: &[u64]) -> Result<(), String> {
    ledger.judge(sent)?;
    let mut want: Vec<u64> = sent.iter().flatten().map(|&id| result_of(id)).collect();
    let mut got = results.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    if got == want {
        return Ok(());
    }
    Err(format!(
        "every item was handled once, but {} results came back for {} items (or not the \
         results handle returned): return what handle returned, once per item (gather each \
         consumer's results as you join it)",
        got.len(),
        want.len()
    ))
}

impl Ran {
    /// Every item handled exactly once ([`Ledger::judge`]), and the call
    /// returned one result per item, the one `handle` gave; or what went
    /// wrong. A panic of the call (a stub's `todo!`) goes on.
    pub fn judge(&self) -> Result<(), String> {
        let results = match &self.results {
            Ok(results) => results,
            Err(panic) => {
                std::panic::resume_unwind(Box::new(crate::panicking::panic_text(&**panic)))
            }
        };
        judge_results(&self.ledger, &self.sent, results)
    }

    /// Nothing the call started still running when it returned; or what was.
    pub fn left_running(&self) -> Result<(), String> {
        let (held, more) = (self.held, self.more.unwrap_or(0));
        if held == 0 && more == 0 {
            return Ok(());
        }
        let held = (held > 0).then(|| format!("{held} of the check's producers and handle held"));
        let more = (more > 0).then(|| format!("{more} threads more than before, 100 ms later"));
        let seen: Vec<String> = held.into_iter().chain(more).collect();
        Err(format!(
            "when the call returned, threads it started were still running ({})",
            seen.join(", ")
        ))
    }
}

/// Calls `run(producers of plans, consumers, the check's handle)` on a
/// thread of its own within `limit` ([`crate::on_thread`]), with what it
/// held and the threads counted before and after; `hung` says what a hang
/// means, from the items handled so far.
///
/// # Errors
/// `hung`'s failure.
pub fn call(
    plans: &[Plan],
    consumers: usize,
    how: Handling,
    run: impl FnOnce(Vec<Producer>, usize, Handle) -> Vec<u64> + Send + 'static,
    limit: Duration,
    hung: impl FnOnce(&Ledger) -> crate::Outcome,
) -> Result<Ran, crate::Outcome> {
    let (ledger, plans) = (Ledger::new(), plans.to_vec());
    let l = Arc::clone(&ledger);
    let f = move || {
        // Producers' tokens end at once: a pause would hold their code back.
        let (made, before) = (Held::new(Duration::ZERO), crate::footprint::Started::new());
        let (producers, sent) = producers(&plans, &l, Some(&made));
        let held = Held::new(Duration::from_millis(40));
        let (slow, token) = (Arc::new(Mutex::new(None)), held.token());
        let (slowest, calls) = (Arc::clone(&slow), AtomicUsize::new(0));
        let meeting = crate::measure::Meeting::new(how.meet.unwrap_or_default());
        let (m, met) = (Arc::clone(&meeting), Arc::new(AtomicUsize::new(0)));
        let most = Arc::clone(&met);
        let handle: Handle = Box::new(move |item| {
            let (_held, me) = (&token, kata_sync::thread::current().id());
            if how.meet.is_some() && calls.fetch_add(1, Ordering::SeqCst) < 2 {
                most.fetch_add(usize::from(m.meet(2) >= 2), Ordering::SeqCst);
            }
            let first = *lock(&slowest).get_or_insert(me) == me;
            match (how.slow_items, how.slow_thread) {
                (Some((n, length)), _) if item.id() % n == 0 => pause(length),
                (_, Some(length)) if first => pause(length),
                _ => {}
            }
            if Some(item.id()) == how.panic_on {
                crate::panicking::deliberate_panic();
            }
            result_of(item.handle())
        });
        let watch = how.idle.map(|length| {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                crate::waiting::watch_idle(length)
            })
        });
        let results = catch_unwind(AssertUnwindSafe(|| run(producers, consumers, handle)));
        let idle = watch.and_then(|watch| watch.join().ok());
        let still = held.alive() + made.alive();
        let more = before.left_after(Duration::from_millis(100));
        let (caller, slow) = (kata_sync::thread::current().id(), *lock(&slow));
        let met = met.load(Ordering::SeqCst);
        Ok(Ran { ledger: l, sent, results, held: still, more, caller, slow, idle, met })
    };
    crate::on_thread("kata-caller", limit, f, move || hung(&ledger))
}

// On real threads only: the items name their handlers by the facade's
// thread ids, which under a model checker exist only inside its runs.
#[cfg(all(test, not(any(kata_shuttle, kata_loom))))]
mod tests {
    use super::*;
    use crate::ms;

    #[test]
    fn items_tell_who_handled_them_once() {
        let ledger = Ledger::new();
        let producers = [vec![1, 2, 3], vec![11]];
        let (a, b) = (ledger.item(1), ledger.item(2));
        assert_eq!(a.id(), 1);
        std::thread::spawn(move || (a.handle(), b.handle())).join().unwrap();
        let err = ledger.judge(&producers).unwrap_err();
        drop(ledger.item(3));
        assert_eq!(err, "2 of the 4 items sent were never handled");
        assert_eq!(ledger.dropped(), [3]);
        ledger.item(11).handle();
        ledger.item(3).handle();
        assert_eq!(ledger.judge(&producers), Ok(()));
        ledger.item(11).handle();
        let twice = ledger.judge(&producers).unwrap_err();
        assert_eq!(twice, "11 was handled twice (consumer 2 handled it a second time)");
        let per: Vec<Vec<u32>> = ledger.per_thread().into_iter().map(|(_, ids)| ids).collect();
        assert_eq!(per, [vec![1, 2], vec![11, 3, 11]]);
        assert_eq!(ledger.handled(), 5);
    }

    #[test]
    fn producers_send_their_plans() {
        let (ledger, held) = (Ledger::new(), Held::new(ms(0)));
        let plans = [Plan(2, ms(1), ms(0)), Plan(0, ms(0), ms(0)), Plan(1, ms(0), ms(1))];
        let (made, sent) = producers(&plans, &ledger, Some(&held));
        assert_eq!(sent, [vec![1, 2], vec![], vec![2001]]);
        assert_eq!(held.alive(), 3);
        let ids: Vec<Vec<u32>> =
            made.into_iter().map(|p| p.map(|item| item.handle()).collect()).collect();
        assert_eq!((ids, held.alive()), (sent.clone(), 0));
        assert_eq!(ledger.judge(&sent), Ok(()));
    }

    #[test]
    fn a_lost_item_dropped_unhandled_is_told() {
        let ledger = Ledger::new();
        drop(ledger.item(1));
        let err = ledger.judge(&[vec![1]]).unwrap_err();
        assert!(err.ends_with("(1 of them dropped unhandled)"), "{err}");
    }

    #[test]
    fn what_a_running_thread_holds_is_still_held() {
        let held = Held::new(ms(100));
        let token = held.token();
        std::thread::spawn(move || drop(token)).join().unwrap();
        assert_eq!(held.alive(), 0, "a join waits for the drop");
        let (token, (tx, rx)) = (held.token(), std::sync::mpsc::channel());
        std::thread::spawn(move || {
            tx.send(()).unwrap();
            drop(token);
        });
        rx.recv().unwrap();
        assert_eq!(held.alive(), 1, "a thread not joined still lingers");
    }

    /// A pipeline on std's threads: one consumer per producer, each joined
    /// unless `detach`.
    fn pipe(producers: Vec<Producer>, detach: bool, handle: Handle) -> Vec<u64> {
        let handle = Arc::new(handle);
        let threads: Vec<_> = producers
            .into_iter()
            .map(|p| (p, Arc::clone(&handle)))
            .map(|(p, h)| std::thread::spawn(move || p.map(|i| h(i)).collect::<Vec<u64>>()))
            .collect();
        match detach {
            true => Vec::new(),
            false => threads.into_iter().flat_map(|t| t.join().unwrap()).collect(),
        }
    }

    #[test]
    fn a_call_is_seen_from_its_items_and_threads() {
        let plans = [Plan(5, ms(0), ms(0)), Plan(3, ms(2), ms(1))];
        let how =
            Handling { slow_items: Some((2, ms(1))), meet: Some(ms(500)), ..Default::default() };
        let hung = |_: &Ledger| crate::fail("hung");
        let ran = call(&plans, 2, how, |p, _, h| pipe(p, false, h), ms(5000), hung).unwrap();
        // Other tests' threads come and go meanwhile: what is held, not the count.
        assert_eq!((ran.judge(), ran.held, ran.met), (Ok(()), 0, 2));
        let ran = call(&plans, 2, Handling::default(), |p, _, h| pipe(p, true, h), ms(5000), hung);
        let ran = ran.unwrap();
        assert!(ran.judge().unwrap_err().contains("0 results came back for 8 items"));
        assert!(ran.held > 0);
        assert!(ran.left_running().unwrap_err().contains("were still running"));
    }
}
