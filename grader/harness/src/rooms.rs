//! Who is inside a region of shared and exclusive holders, counted from
//! outside it, and whether a real thread has fallen asleep.
//!
//! A read-write lock promises that its readers may be inside together and
//! that a writer is alone. The code under check holds the door; each caller
//! it lets in enters the check's [`Room`] (as a reader or a writer) once it
//! is in, and leaves it before it gives its guard back. So a writer that
//! finds anyone in the room, or a reader that finds a writer, is proof that
//! the door let them in together: the first such breach is kept, in words.
//! The room also counts entries, so that "how many readers came in while
//! that writer waited" is a count of acquisitions, never a time.
//!
//! Works on real threads and under a model checker alike (std atomics, and
//! a std mutex that is never held across a yield).
//!
//! On real threads, a check often must act only once another thread is
//! blocked (asleep in a lock, not merely slow to start): a [`Sleeper`] is
//! that thread's clock, and [`Sleeper::asleep`] waits until the OS has
//! found it sleeping at several looks in a row; [`unless_stuck`] runs a
//! call that must return by itself and tells one that fell asleep for good
//! (waiting for a lock nobody will give back) without waiting a time limit.

use crate::sched::SchedClock;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// The check's count of the readers and writers inside a region.
#[derive(Debug, Default)]
pub struct Room {
    readers: AtomicUsize,
    writers: AtomicUsize,
    peak_readers: AtomicUsize,
    reads: AtomicUsize,
    writes: AtomicUsize,
    breach: Mutex<Option<String>>,
}

/// One holder inside a [`Room`], until dropped.
#[derive(Debug)]
pub struct Occupant<'a> {
    room: &'a Room,
    writer: bool,
}

impl Room {
    pub const fn new() -> Room {
        Room {
            readers: AtomicUsize::new(0),
            writers: AtomicUsize::new(0),
            peak_readers: AtomicUsize::new(0),
            reads: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
            breach: Mutex::new(None),
        }
    }

    /// A reader is in (its guard was just returned).
    pub fn reader(&self) -> Occupant<'_> {
        // Ordering: SeqCst throughout, so that of a reader and a writer
        // that overlap, the second to enter sees the first.
        let now = self.readers.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak_readers.fetch_max(now, Ordering::SeqCst);
        self.reads.fetch_add(1, Ordering::SeqCst);
        if self.writers.load(Ordering::SeqCst) > 0 {
            self.breached("a reader came in while a writer was inside".into());
        }
        Occupant { room: self, writer: false }
    }

    /// A writer is in (its guard was just returned).
    pub fn writer(&self) -> Occupant<'_> {
        let others = self.writers.fetch_add(1, Ordering::SeqCst);
        self.writes.fetch_add(1, Ordering::SeqCst);
        let readers = self.readers.load(Ordering::SeqCst);
        if others > 0 {
            self.breached("a second writer came in while a writer was inside".into());
        } else if readers > 0 {
            let who = if readers == 1 { "1 reader was" } else { "readers were" };
            self.breached(format!("a writer came in while {who} inside ({readers})"));
        }
        Occupant { room: self, writer: true }
    }

    fn breached(&self, what: String) {
        self.breach.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(what);
    }

    /// The first time two holders were inside who may not be together.
    pub fn breach(&self) -> Option<String> {
        self.breach.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The most readers inside at once.
    pub fn peak_readers(&self) -> usize {
        self.peak_readers.load(Ordering::SeqCst)
    }

    /// How many readers came in so far.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }

    /// How many writers came in so far.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }
}

impl Drop for Occupant<'_> {
    fn drop(&mut self) {
        let count = if self.writer { &self.room.writers } else { &self.room.readers };
        count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many looks in a row must find a thread sleeping before it counts as
/// asleep (one look a millisecond): a thread that only waits for a core is
/// found runnable, a starting one soon runs.
const LOOKS: u32 = 10;

/// A real thread's clock, made on that thread, read from another.
pub struct Sleeper {
    clock: SchedClock,
}

impl Sleeper {
    /// The clock of the calling thread: send it to the thread that watches.
    pub fn this_thread() -> Sleeper {
        Sleeper { clock: SchedClock::this_thread() }
    }

    /// Waits until the thread has been found sleeping at [`LOOKS`] looks in
    /// a row (`Some(true)`), or `patience` is over (`Some(false)`); `None`
    /// where the system does not say.
    pub fn asleep(&self, patience: Duration) -> Option<bool> {
        let end = Instant::now() + patience;
        let mut in_a_row = 0;
        loop {
            in_a_row = if self.clock.runnable()? { 0 } else { in_a_row + 1 };
            if in_a_row >= LOOKS {
                return Some(true);
            }
            if Instant::now() >= end {
                return Some(false);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// How a call that must return by itself ended ([`unless_stuck`]).
#[derive(Debug, PartialEq, Eq)]
pub enum Ended<T> {
    /// It returned this.
    Returned(T),
    /// It fell asleep and stayed so, with nothing in the check left to wake
    /// it: it never will return.
    Asleep,
    /// Still running (computing, or where the system does not say whether
    /// it sleeps) at the limit.
    Running,
}

/// Runs `f` on a thread of its own, where nothing else the check does can
/// wake it, and waits for it to return, at most `limit`. A call that falls
/// asleep there instead (a lock that was never given back) is told at
/// once, not at the limit. A panic in `f` goes on in the caller.
pub fn unless_stuck<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Ended<T> {
    let (clock_tx, clock_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("kata-unless-stuck".into()).spawn(move || {
        let _ = clock_tx.send(Sleeper::this_thread());
        let _ = done_tx.send(catch_unwind(AssertUnwindSafe(f)));
    });
    let end = Instant::now() + limit;
    let Some(sleeper) = spawned.ok().and_then(|_| clock_rx.recv().ok()) else {
        return Ended::Running;
    };
    let returned = |got: std::thread::Result<T>| match got {
        Ok(value) => Ended::Returned(value),
        Err(panic) => resume_unwind(panic),
    };
    while Instant::now() < end {
        if let Ok(got) = done_rx.try_recv() {
            return returned(got);
        }
        match sleeper.asleep(Duration::from_millis(20)) {
            // Asleep: unless it returned meanwhile (a thread that has
            // ended reads as not running too).
            Some(true) => {
                return done_rx.recv_timeout(Duration::from_millis(5)).map_or(Ended::Asleep, returned)
            }
            Some(false) => {}
            None => break,
        }
    }
    done_rx.recv_timeout(end.saturating_duration_since(Instant::now())).map_or(Ended::Running, returned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn readers_together_are_no_breach_and_are_counted() {
        let room = Room::new();
        let (a, b) = (room.reader(), room.reader());
        assert_eq!((room.peak_readers(), room.reads()), (2, 2));
        drop((a, b));
        drop(room.writer());
        assert_eq!((room.breach(), room.writes()), (None, 1));
    }

    #[test]
    fn a_writer_with_anyone_is_a_breach_and_the_first_is_kept() {
        let room = Room::new();
        let reader = room.reader();
        let writer = room.writer();
        assert_eq!(room.breach().as_deref(), Some("a writer came in while 1 reader was inside (1)"));
        drop(reader);
        let _second = room.writer();
        drop(room.reader());
        assert_eq!(room.breach().as_deref(), Some("a writer came in while 1 reader was inside (1)"));
        drop(writer);
        let fresh = Room::new();
        let _w = fresh.writer();
        drop(fresh.reader());
        assert_eq!(fresh.breach().as_deref(), Some("a reader came in while a writer was inside"));
    }

    #[test]
    fn a_blocked_thread_is_asleep_and_a_spinning_one_is_not() {
        let (tx, rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let blocked = std::thread::spawn(move || {
            tx.send(Sleeper::this_thread()).unwrap();
            let _ = done_rx.recv();
        });
        let sleeper = rx.recv().unwrap();
        let ms = Duration::from_millis;
        assert_ne!(sleeper.asleep(ms(2000)), Some(false));
        drop(done_tx);
        blocked.join().unwrap();

        if SchedClock::this_thread().runnable().is_none() {
            return; // not Linux: nothing to read
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let spin_stop = std::sync::Arc::clone(&stop);
        let spinner = std::thread::spawn(move || {
            tx.send(Sleeper::this_thread()).unwrap();
            while !spin_stop.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        assert_eq!(rx.recv().unwrap().asleep(ms(100)), Some(false));
        stop.store(true, Ordering::Relaxed);
        spinner.join().unwrap();
    }

    #[test]
    fn a_call_that_sleeps_for_ever_is_told_at_once() {
        let ms = Duration::from_millis;
        assert_eq!(unless_stuck(ms(5000), || 7), Ended::Returned(7));
        let (_keep, never) = mpsc::channel::<()>();
        let began = Instant::now();
        let stuck = unless_stuck(ms(5000), move || never.recv().is_ok());
        if SchedClock::this_thread().runnable().is_some() {
            assert_eq!(stuck, Ended::Asleep);
            assert!(began.elapsed() < ms(2000), "{:?}", began.elapsed());
        }
        let spun = unless_stuck(ms(100), || loop {
            std::hint::spin_loop();
        });
        assert_eq!(spun, Ended::<()>::Running);
    }
}
