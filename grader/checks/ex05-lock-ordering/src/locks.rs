//! Who locked which account: the story of a model-checked execution, told
//! from outside the learner's code.
//!
//! The checks cannot narrate inside `transfer`, but shuttle's `Mutex` reports
//! every step it takes as a `tracing` event at TRACE level ("waiting to
//! acquire mutex 0x…", "acquired mutex 0x…", "releasing mutex 0x…"). This
//! module listens to those events, recognises a mutex by its address (a mutex
//! inside an `Account` lies within that account's memory), and narrates
//! "locks account 1" / "unlocks account 1" under the thread that did it.
//! It also keeps who holds what and who waits for what, so that a deadlock
//! can be told as it was: "thread A holds account 1 and waits for account 2".
//!
//! Those messages are shuttle's (0.8), not a promised interface. If they
//! change, or the learner keeps balances elsewhere than inside `Account`, the
//! story only loses its lock lines: the verdicts never depend on it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex as StdMutex;

use kata_sync::model::narrate;
use kata_sync::sync::Arc;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

use crate::target::Account;

/// Where shuttle's mutex events come from.
const MUTEX_TARGET: &str = "shuttle::sync::mutex";

/// The lock steps of the current execution. Model checkers run every
/// thread of an execution on one OS thread, so this std mutex is never
/// contended.
static WATCH: StdMutex<Watch> = StdMutex::new(Watch::new());

struct Watch {
    /// Off outside the part of an execution the story is about.
    on: bool,
    /// Address range of each watched account, and its id.
    accounts: Vec<(usize, usize, u64)>,
    /// Thread -> accounts it holds, in the order it locked them.
    held: BTreeMap<String, Vec<u64>>,
    /// Thread -> the account it is blocked on.
    waiting: BTreeMap<String, u64>,
}

impl Watch {
    const fn new() -> Watch {
        Watch {
            on: false,
            accounts: Vec::new(),
            held: BTreeMap::new(),
            waiting: BTreeMap::new(),
        }
    }

    fn account_at(&self, address: usize) -> Option<u64> {
        self.accounts
            .iter()
            .find(|(start, end, _)| (*start..*end).contains(&address))
            .map(|(_, _, id)| *id)
    }
}

fn watch() -> std::sync::MutexGuard<'static, Watch> {
    WATCH.lock().unwrap_or_else(|e| e.into_inner())
}

/// Listens to shuttle's mutex events for the rest of the process. Call once,
/// before exploring (later calls do nothing).
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only if a subscriber is already set: then no story, no harm.
        let _ = tracing::subscriber::set_global_default(Listener);
    });
}

/// Starts the story of one execution: forgets the last one and watches these
/// accounts' locks. Call first thing in the explored closure.
pub fn start(accounts: &[Arc<Account>]) {
    let mut watch = watch();
    *watch = Watch::new();
    watch.on = true;
    watch.accounts = accounts
        .iter()
        .map(|account| {
            let start = Arc::as_ptr(account) as usize;
            (start, start + std::mem::size_of::<Account>(), account.id())
        })
        .collect();
}

/// Stops narrating lock steps (before the check reads the final balances).
pub fn stop() {
    watch().on = false;
}

/// A thread blocked on an account's lock when the execution ended.
pub struct Wait {
    pub who: String,
    pub holds: Vec<u64>,
    pub wants: u64,
    /// The thread holding the wanted account, if any.
    pub holder: Option<String>,
}

/// Who was waiting for what at the end of the last execution: after a
/// deadlock, the cycle. Empty if the story has no lock steps.
pub fn waits() -> Vec<Wait> {
    let watch = watch();
    watch
        .waiting
        .iter()
        .map(|(who, &wants)| Wait {
            who: who.clone(),
            holds: watch.held.get(who).cloned().unwrap_or_default(),
            wants,
            holder: watch
                .held
                .iter()
                .find(|(_, held)| held.contains(&wants))
                .map(|(holder, _)| holder.clone()),
        })
        .collect()
}

/// The name `narrate` gives the current thread.
fn who() -> String {
    let current = kata_sync::thread::current();
    match current.name() {
        Some(name) => name.to_string(),
        None => format!("{:?}", current.id()),
    }
}

enum Step {
    Waiting,
    Acquired,
    Releasing,
}

/// "acquired mutex 0x55d0c2a010" -> (Acquired, 0x55d0c2a010).
fn parse(message: &str) -> Option<(Step, usize)> {
    let (words, address) = message.rsplit_once(' ')?;
    let address = usize::from_str_radix(address.strip_prefix("0x")?, 16).ok()?;
    let step = match words {
        "waiting to acquire mutex" => Step::Waiting,
        "acquired mutex" => Step::Acquired,
        "releasing mutex" => Step::Releasing,
        _ => return None,
    };
    Some((step, address))
}

fn on_mutex_event(message: &str) {
    let Some((step, address)) = parse(message) else {
        return;
    };
    let mut watch = watch();
    if !watch.on {
        return;
    }
    let Some(id) = watch.account_at(address) else {
        return;
    };
    let who = who();
    let line = match step {
        Step::Waiting => {
            watch.waiting.insert(who, id);
            None
        }
        Step::Acquired => {
            watch.waiting.remove(&who);
            watch.held.entry(who).or_default().push(id);
            Some(format!("locks account {id}"))
        }
        Step::Releasing => {
            let held = watch.held.entry(who).or_default();
            if let Some(at) = held.iter().rposition(|&h| h == id) {
                held.remove(at);
            }
            Some(format!("unlocks account {id}"))
        }
    };
    drop(watch);
    if let Some(line) = line {
        narrate(line);
    }
}

/// The `tracing` subscriber: interested in shuttle's mutex events only.
struct Listener;

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Listener {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.enabled(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event() && metadata.target() == MUTEX_TARGET
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        // Guards dropped while shuttle tears down a failed execution unwind
        // with no current thread to ask for: leave those out of the story.
        if std::thread::panicking() {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        on_mutex_event(&message.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
