//! Who is inside a region of shared and exclusive holders, counted from
//! outside it.
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
//! [`overtaking`] counts, in reads, how long a writer that waits behind a
//! reader is kept out by readers that come after it (on real threads, with
//! [`crate::sleepers::Sleeper`] to know it waits).

use crate::sleepers::Sleeper;
use crate::Outcome;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
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
    /// Panic at a breach, tagged `BOTH: ` (under a model checker, where a
    /// failure is a panic).
    strict: bool,
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
            strict: false,
        }
    }

    /// A room whose breach is a panic ([`Room::judge_strictly`]): "BOTH: a
    /// writer came in ...".
    pub fn strict() -> Room {
        Room { strict: true, ..Room::new() }
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
            let who = if readers == 1 {
                "1 reader was".into()
            } else {
                format!("{readers} readers were")
            };
            self.breached(format!("a writer came in while {who} inside"));
        }
        Occupant { room: self, writer: true }
    }

    fn breached(&self, what: String) {
        self.breach.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(what);
    }

    /// In a strict room, a panic with the first breach, if there was one.
    /// [`visit`] calls it once the guard is dropped: a panic with a guard
    /// held would unwind through the lock's own code, which under shuttle
    /// may switch threads in the middle of the unwinding.
    pub fn judge_strictly(&self) {
        if let Some(what) = self.breach().filter(|_| self.strict) {
            panic!("BOTH: {what}");
        }
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

    /// Waits (yielding, the model checker's way under one) until the room
    /// has seen `reads` readers and `writes` writers come in.
    #[cfg(feature = "model")]
    pub fn until_seen(&self, reads: usize, writes: usize) {
        while self.reads() < reads || self.writes() < writes {
            kata_sync::thread::yield_now();
        }
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

/// A value that counts its clones inside a [`Limit`](crate::limit::Limit)
/// once one is set: a cache clones a value out under its read lock, so the
/// clones of a stored `Metered` overlap exactly when the lookups share the
/// lock. Set the limit after storing it ([`Metered::arm`]), so that a clone
/// made while storing is not counted.
#[derive(Default)]
pub struct Metered(Arc<std::sync::OnceLock<crate::limit::Limit>>);

impl Metered {
    /// Counts the clones of this value (and of its clones) in `limit` from
    /// now on (a value armed already keeps its limit).
    pub fn arm(&self, limit: crate::limit::Limit) {
        let _ = self.0.set(limit);
    }

    /// The limit its clones are counted in, once armed.
    pub fn limit(&self) -> Option<&crate::limit::Limit> {
        self.0.get()
    }
}

impl Clone for Metered {
    fn clone(&self) -> Self {
        if let Some(limit) = self.0.get() {
            drop(limit.enter());
        }
        Metered(Arc::clone(&self.0))
    }
}

/// Anything held: a guard, whatever its type.
pub trait Held {}
impl<T> Held for T {}

/// Takes one side of a lock in `S` and returns its guard, boxed.
pub type Take<S> = for<'a> fn(&'a S) -> Box<dyn Held + 'a>;

/// A visit to a lock: takes a side of it (`writer` or not, with `take`),
/// enters `room` as such, yields once inside (under shuttle, also until
/// `holding` threads sleep in a `Condvar` wait: the waiters behind it),
/// leaves the room and drops the guard, telling each step in the story of a
/// model-checked execution.
#[cfg(feature = "model")]
pub fn visit<S>(lock: &S, room: &Room, (writer, take): (bool, Take<S>), holding: usize) {
    use crate::contention::narrate;
    let side = if writer { "writer" } else { "reader" };
    narrate(if writer { "calls write()" } else { "calls read()" });
    let guard = take(lock);
    let inside = if writer { room.writer() } else { room.reader() };
    narrate(format!("is in, as a {side}"));
    kata_sync::thread::yield_now();
    #[cfg(kata_shuttle)]
    crate::model::until_asleep(holding);
    let _ = holding;
    narrate("drops its guard");
    drop((inside, guard));
    room.judge_strictly();
}

/// A scenario thread's part ([`crate::contention::Scenario`], feature
/// `model`) on a lock and its room: once the room has seen `seen` (readers,
/// writers) come in, `times` [`visit`]s of `side`, each `holding` as there.
#[cfg(feature = "model")]
pub fn visits<S: 'static>(
    side: (bool, Take<S>),
    seen: (usize, usize),
    times: usize,
    holding: usize,
) -> impl Fn(&(S, Room), &crate::contention::Turn) + Send + Sync + 'static {
    move |(lock, room), _| {
        room.until_seen(seen.0, seen.1);
        (0..times).for_each(|_| visit(lock, room, side, holding));
    }
}

/// How many reads came in while a writer waited ([`overtaking`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overtaken {
    /// Reads that came in after the writer was seen waiting and before it
    /// came in; the relay stops at [`RELAY`].
    pub reads: usize,
    /// Whether the writer was seen asleep in its call (else it was given
    /// two seconds, and computed all the while: a spin).
    pub asleep: bool,
}

/// Where the relay of [`overtaking`] stops.
pub const RELAY: usize = 20;

/// A writer's wait, counted in reads: a reader holds `lock` (taken with
/// `read`); a writer calls `write` and is seen asleep; then 2 readers come
/// and relay, each staying inside until the other has come in (or 200 ms),
/// and the first reader leaves once one of them is in or asleep. A lock
/// that prefers writers lets none of them in before the writer; one that
/// prefers readers lets the relay run on ([`RELAY`] reads) while the writer
/// waits. `hung` says what a hang within `limit` means.
///
/// # Errors
/// `hung()`, if the writer or the readers never got in.
pub fn overtaking<S: Send + Sync + 'static>(
    lock: Arc<S>,
    (read, write): (Take<S>, Take<S>),
    limit: Duration,
    hung: impl FnOnce() -> Outcome,
) -> Result<Overtaken, Outcome> {
    crate::on_thread("kata-relay", limit, move || Ok(relay(&lock, read, write)), hung)
}

fn relay<S: Send + Sync + 'static>(lock: &Arc<S>, read: Take<S>, write: Take<S>) -> Overtaken {
    let shared = Arc::new((Room::new(), AtomicBool::new(false)));
    let (room, stop) = (&shared.0, &shared.1);
    let first = (read(lock), room.reader());
    let started = |work: Box<dyn FnOnce() -> usize + Send>| {
        let (clock, clock_rx) = mpsc::channel();
        let thread = std::thread::spawn(move || (clock.send(Sleeper::this_thread()), work()).1);
        (thread, clock_rx.recv().ok())
    };
    let (l, s) = (Arc::clone(lock), Arc::clone(&shared));
    let (writer, clock) = started(Box::new(move || {
        let (guard, inside) = (write(&l), s.0.writer());
        let reads = s.0.reads();
        drop((inside, guard));
        reads
    }));
    let seen = clock.and_then(|c| c.asleep(Duration::from_secs(2)));
    let asleep = seen.unwrap_or_else(|| (std::thread::sleep(Duration::from_millis(100)), true).1);
    let mark = room.reads();
    let relays: Vec<_> = (0..2)
        .map(|_| {
            let (l, s) = (Arc::clone(lock), Arc::clone(&shared));
            started(Box::new(move || {
                let going = || !s.1.load(Ordering::SeqCst) && s.0.reads() < mark + RELAY;
                while going() {
                    let inside = (read(&l), s.0.reader());
                    let (me, began) = (s.0.reads(), Instant::now());
                    while going()
                        && s.0.reads() == me
                        && began.elapsed() < Duration::from_millis(200)
                    {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    drop((inside.1, inside.0));
                }
                0
            }))
        })
        .collect();
    // The first reader leaves once a relay reader is in, or asleep behind
    // the writer (or, if it spins, after two seconds).
    let (reader, patience) = (relays[0].1.as_ref(), Instant::now() + Duration::from_secs(2));
    let asleep_behind = || reader.and_then(|r| r.asleep(Duration::from_millis(20))) != Some(false);
    while room.reads() == mark && Instant::now() < patience && !asleep_behind() {}
    drop((first.1, first.0));
    let entered = writer.join().unwrap_or_else(|panic| resume_unwind(panic));
    stop.store(true, Ordering::SeqCst);
    relays.into_iter().for_each(|(relay, _)| drop(relay.join()));
    Overtaken { reads: entered - mark, asleep }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fail;

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
        assert_eq!(room.breach().as_deref(), Some("a writer came in while 1 reader was inside"));
        drop(reader);
        let _second = room.writer();
        drop(room.reader());
        assert_eq!(room.breach().as_deref(), Some("a writer came in while 1 reader was inside"));
        drop(writer);
        let fresh = Room::new();
        let _w = fresh.writer();
        drop(fresh.reader());
        assert_eq!(fresh.breach().as_deref(), Some("a reader came in while a writer was inside"));
    }

    /// A lock as a reader-preferring textbook one: readers look only at
    /// the writer inside. With `prefer_writers`, also at the writers waiting.
    struct Textbook {
        state: std::sync::Mutex<(usize, bool, usize)>,
        changed: std::sync::Condvar,
        prefer_writers: bool,
    }

    struct Side<'a>(&'a Textbook, bool);

    impl Drop for Side<'_> {
        fn drop(&mut self) {
            let mut s = self.0.state.lock().unwrap();
            if self.1 {
                s.1 = false
            } else {
                s.0 -= 1
            }
            self.0.changed.notify_all();
        }
    }

    impl Textbook {
        fn new(prefer_writers: bool) -> Arc<Textbook> {
            Arc::new(Textbook {
                state: Default::default(),
                changed: Default::default(),
                prefer_writers,
            })
        }
        fn read(&self) -> Box<dyn Held + '_> {
            let mut s = self.state.lock().unwrap();
            while s.1 || (self.prefer_writers && s.2 > 0) {
                s = self.changed.wait(s).unwrap();
            }
            s.0 += 1;
            Box::new(Side(self, false))
        }
        fn write(&self) -> Box<dyn Held + '_> {
            let mut s = self.state.lock().unwrap();
            s.2 += 1;
            while s.1 || s.0 > 0 {
                s = self.changed.wait(s).unwrap();
            }
            (s.2, s.1) = (s.2 - 1, true);
            Box::new(Side(self, true))
        }
    }

    #[test]
    fn a_reader_preferring_lock_is_overtaken_and_a_writer_preferring_one_is_not() {
        let hung = || fail("hung");
        let sides: (Take<Textbook>, Take<Textbook>) = (Textbook::read, Textbook::write);
        let fair = overtaking(Textbook::new(true), sides, Duration::from_secs(10), hung).unwrap();
        assert_eq!(fair.reads, 0);
        let unfair =
            overtaking(Textbook::new(false), sides, Duration::from_secs(10), hung).unwrap();
        assert_eq!(unfair.reads, RELAY);
    }

    #[test]
    fn metered_clones_meet_once_armed() {
        let value = Metered::default();
        drop(value.clone()); // not armed yet: not counted
        value.arm(crate::limit::Limit::new(2, Duration::from_secs(5)));
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| drop(value.clone()));
            }
        });
        let limit = value.limit().unwrap();
        assert_eq!((limit.peak(), limit.entries()), (2, 2));
    }

    #[test]
    #[should_panic(expected = "BOTH: a reader came in while a writer was inside")]
    fn a_strict_room_panics_at_its_breach() {
        let room = Room::strict();
        let _w = room.writer();
        drop(room.reader());
        room.judge_strictly();
    }
}
