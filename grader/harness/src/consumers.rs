//! Consumers seen from the items they handle (feature `model`): the check's
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
//! - [`Held`] (real threads only: its tokens sleep) counts what the check
//!   hands over (a producer, a `handle`) until it is dropped. A design that
//!   joins its threads (or whose scope ends) has dropped everything they
//!   held when it returns; one that returns with a thread still running
//!   has not, for a token that ends lingers a moment before it counts out,
//!   so that a thread in the middle of ending is seen as still running.
//!   [`threads_left`] is the second opinion: the system's list of threads.

use crate::queues::judge_handoff;
use kata_sync::thread::ThreadId;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
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

/// How many threads the process has beyond `before`, once those that are
/// ending have had `grace` to go (a thread that is joined, or whose scope
/// ended, may take a moment to leave the system's list): the threads left
/// running. `None` where the system does not say.
pub fn threads_left(before: Option<usize>, grace: Duration) -> Option<usize> {
    let end = std::time::Instant::now() + grace;
    loop {
        let more = thread_count()?.saturating_sub(before?);
        if more == 0 || std::time::Instant::now() >= end {
            return Some(more);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// How many threads the process has now (Linux: `/proc/self/task`), or
/// `None` where the system does not say.
pub fn thread_count() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/task").ok()?.count())
}

#[cfg(test)]
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
        // Other tests' threads come and go meanwhile: only the bounds.
        if let Some(now) = thread_count() {
            assert!(now >= 2, "this thread and the lingering one: {now}");
            assert_eq!(threads_left(Some(usize::MAX), ms(0)), Some(0));
            assert!(threads_left(Some(0), ms(0)) >= Some(1));
        }
    }
}
