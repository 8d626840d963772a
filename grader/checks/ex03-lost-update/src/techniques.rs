//! Which technique each counter uses, read from the learner's crate (every
//! file of it): their behaviour is the same from the outside, so a channel
//! counter could be a mutex in disguise. The reading is the harness's
//! (`kata_harness::source`); the rules and the words are this exercise's.

use kata_harness::source::{judge, Family, Finding, Rule};
use kata_harness::{fail, inconclusive, pass, Verdict};

const LOCK: Family = Family {
    what: "a lock",
    owner: "count_with_lock",
    markers: "Mutex RwLock MutexGuard Condvar .lock .try_lock",
    except: &[],
};

const CHANNEL: Family = Family {
    what: "a channel",
    owner: "count_with_channel",
    markers: "mpsc channel sync_channel Sender SyncSender Receiver \
              .send .try_send .recv .try_recv .recv_timeout",
    except: &[],
};

const ATOMIC: Family = Family {
    what: "an atomic",
    owner: "count_with_atomic",
    markers: "Atomic* .fetch_* .compare_exchange* .compare_and_swap",
    // The exercise's own trait is no atomic of the learner's.
    except: &["AtomicCounter"],
};

const SPAWN: (&str, &str) = ("spawn", "it starts no thread (`thread::spawn`)");

const RULES: [Rule; 4] = [
    Rule {
        function: "count_with_lock",
        version: "the lock version",
        technique: "a lock: every addition made while holding the Mutex it is given",
        requires: &[(".lock .try_lock", "it never calls `.lock()`"), SPAWN],
        forbids: &[CHANNEL, ATOMIC],
    },
    Rule {
        function: "count_with_channel",
        version: "the queue version",
        technique:
            "a channel: workers send their increments, and one owner receives and counts them",
        requires: &[
            ("channel sync_channel", "it creates no channel (`mpsc::channel()`)"),
            (".send .try_send", "nothing in it sends (`tx.send(1)`)"),
            (
                ".recv .try_recv .recv_timeout .iter .try_iter",
                "nothing in it receives (`rx.recv()`)",
            ),
            SPAWN,
        ],
        forbids: &[LOCK, ATOMIC],
    },
    Rule {
        function: "count_with_results",
        version: "the result-aggregation version",
        technique:
            "result aggregation: each thread counts in a variable of its own and returns it, \
                    and the caller joins the threads and adds up",
        requires: &[
            SPAWN,
            (".join", "it never joins a thread to collect what it returned (`handle.join()`)"),
        ],
        forbids: &[LOCK, CHANNEL, ATOMIC],
    },
    Rule {
        function: "count_with_atomic",
        version: "the atomic version",
        technique: "an atomic read-modify-write: `fetch_add` on the counter it is given",
        requires: &[
            (
                ".fetch_add",
                "it never calls `fetch_add`: a `load` then a `store` is two steps, \
                 and another thread's update can fall between them",
            ),
            SPAWN,
        ],
        forbids: &[LOCK, CHANNEL],
    },
];

pub fn techniques() -> Verdict {
    let sources = match kata_harness::source_under_check!() {
        Ok(sources) => sources,
        Err(e) => {
            return Ok(inconclusive(format!(
                "could not read your crate's source to see which technique each counter uses: {e}"
            )))
        }
    };
    let shown = sources.shown();
    let mut stubs = Vec::new();
    let mut problems = Vec::new();
    for rule in &RULES {
        match judge(&sources, rule) {
            Finding::Fine => {}
            Finding::Stub => stubs.push(rule.function),
            Finding::Missing(why) | Finding::Problem(why) => problems.push(why),
        }
    }
    if !stubs.is_empty() {
        problems.push(format!(
            "still a stub (each still has its `todo!`): {}. Replace each with your code.",
            stubs.join(", ")
        ));
    }
    let Some((first, others)) = problems.split_first() else {
        return Ok(pass(format!(
            "read in {shown}: the lock locks, the channel sends and receives, the results are \
             returned and joined, the atomic uses fetch_add, and none borrows another's technique"
        )));
    };
    let mut outcome = fail(first.clone());
    for other in others {
        outcome = outcome.detail(format!("Also: {other}"));
    }
    Err(outcome.detail(format!(
        "(Read from {shown}: each function's body and what of those files it names.)"
    )))
}
