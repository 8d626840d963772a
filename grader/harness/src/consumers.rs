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
//! - [`Exits`] (real threads only: it uses thread-locals and sleeps) counts
//!   threads out: [`Exits::mark`], called by the check's code on whatever
//!   thread runs it, leaves a mark in that thread that counts its end when
//!   the thread exits. The mark *lingers* first, so that a thread that was
//!   not joined is reliably still running when a call that did not wait for
//!   it returns, while a `join` waits for the mark. The caller's own thread
//!   (the one that made the `Exits`) is never marked.

use crate::queues::judge_handoff;
use kata_sync::thread::ThreadId;
use std::cell::RefCell;
use std::collections::HashSet;
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

/// The ends of the threads that ran the check's code: see the module.
#[derive(Debug)]
pub struct Exits {
    caller: std::thread::ThreadId,
    marked: Mutex<HashSet<std::thread::ThreadId>>,
    ended: AtomicUsize,
    linger: Duration,
}

/// A thread's mark: counts the thread's end, `linger` after it began to end.
struct Mark(Arc<Exits>);

impl Drop for Mark {
    fn drop(&mut self) {
        std::thread::sleep(self.0.linger);
        // Ordering: SeqCst; a join on this thread orders it before the read.
        self.0.ended.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static MARKS: RefCell<Vec<Mark>> = const { RefCell::new(Vec::new()) };
}

impl Exits {
    /// Counts the ends of the threads marked from now on, but not the
    /// calling thread's.
    pub fn new(linger: Duration) -> Arc<Exits> {
        let caller = std::thread::current().id();
        Arc::new(Exits { caller, marked: Mutex::default(), ended: AtomicUsize::new(0), linger })
    }

    /// Marks the calling thread (once; never the caller's).
    pub fn mark(self: &Arc<Exits>) {
        let me = std::thread::current().id();
        if me != self.caller && lock(&self.marked).insert(me) {
            MARKS.with(|marks| marks.borrow_mut().push(Mark(Arc::clone(self))));
        }
    }

    /// `(marked, ended)`: the threads marked, and how many of them ended.
    pub fn counts(&self) -> (usize, usize) {
        (lock(&self.marked).len(), self.ended.load(Ordering::SeqCst))
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
    fn joined_threads_are_counted_out_and_detached_ones_are_not() {
        let exits = Exits::new(ms(100));
        exits.mark();
        let e = Arc::clone(&exits);
        std::thread::spawn(move || (e.mark(), e.mark())).join().unwrap();
        assert_eq!(exits.counts(), (1, 1), "the caller is never marked; a join waits");
        let e = Arc::clone(&exits);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            e.mark();
            tx.send(()).unwrap();
        });
        rx.recv().unwrap();
        assert_eq!(exits.counts(), (2, 1), "a thread not joined still lingers");
        if let Some(n) = thread_count() {
            assert!(n >= 2, "this thread and the lingering one: {n}");
        }
    }
}
