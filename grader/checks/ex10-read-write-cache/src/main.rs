//! The hidden checks of ex10 · A read-write cache: on real threads, and under shuttle
//! (`--cfg kata_shuttle`), whose `Condvar` wakes spuriously.

use kata_harness::{rooms::Take, Verdict};
use std::process::ExitCode;

kata_harness::exercise!(Cache, RwLock);

#[cfg(kata_shuttle)]
mod model;
#[cfg(not(kata_shuttle))]
mod plain;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "one-thread" => plain::one_thread,
                "reads see writes, two read guards at once, and get, insert, get_or_insert_with on one thread";
            "readers-overlap" => plain::readers_overlap,
                "3 reader threads: all 3 inside at once (one at a time is a mutex)";
            "writer-exclusive" => plain::writer_exclusive,
                "2 writers and 2 readers hammering the lock: a writer is never inside with anyone";
            "writer-not-starved" => plain::writer_not_starved,
                "a writer waits behind a reader while 2 readers relay: no read() gets in before the writer";
            "released-on-panic" => plain::released_on_panic,
                "a reader, a writer and a make() that panic leave the lock and the cache usable";
            "waiting-sleeps" => plain::waiting_sleeps,
                "a thread blocked in read() and one blocked in write() use almost no CPU";
            "own-lock" => plain::own_lock,
                "read() is built on a Mutex and Condvars of your own, not on a library's RwLock";
            "linearizable" => plain::linearizable,
                "3 real threads calling get, insert and get_or_insert_with: every history has a sequential order";
        }
        #[cfg(kata_shuttle)] {
            "model-writer-exclusive" => model::writer_exclusive,
                "3 writers and 2 readers, spurious wake-ups: a writer is never inside with anyone";
            "model-no-lost-wake-up" => model::no_lost_wake_up,
                "waiters behind a writer (2 readers and a writer) or a reader (2 writers): all get in";
            "model-writer-first" => model::writer_first,
                "a reader that comes while a writer waits behind a reader gets in after that writer";
            "model-make-once" => model::make_once,
                "2 threads ask get_or_insert_with for one key while a third reads: make runs once";
        }
    })
}

type Lock = RwLock<u32>;
// The two sides, as the rooms take them; a writer writes through its guard.
const READ: (bool, Take<Lock>) = (false, |lock| Box::new(lock.read()));
const WRITE: (bool, Take<Lock>) = (true, |l| Box::new([l.write()].map(|mut g| (*g += 1, g).1)));

/// The lessons of a writer inside with anyone, and of a reader before a waiting writer.
const TOGETHER: &str = "A writer must wait while anyone is inside (`writer || readers > 0`), a \
                        reader while a writer is inside or waiting; each looks in a `while` \
                        loop under the one mutex (a wake-up only means \"look again\") and counts \
                        itself in, in the same lock scope that saw the way clear.";

const PREFER: &str = "A writer-preferring lock counts a writer as waiting before its first look \
                      (`writers_waiting += 1` in `write()`, before the loop), and `read()` waits \
                      while `writer || writers_waiting > 0`; a lock whose readers only look at \
                      `writer` lets a stream of readers keep the writer out for ever.";
