//! Who holds which lock and who waits for which, in a model-checked
//! execution: told by the facade's own [`Mutex`](crate::sync::Mutex), so the
//! code under check needs no narration of its own.
//!
//! A check names the locks it cares about by the memory they lie in: a
//! mutex inside the `Account` the check made for account 1 lies within that
//! account's memory, so [`name_locks_in`]`(&*account, "account 1")` makes
//! the story read "thread A: locks account 1". Unnamed locks (the code under
//! check's own) are kept too, as "lock 1", "lock 2" in the order first seen,
//! so that a deadlock can always say who held what and waited for what
//! ([`waits`]), but only named ones are narrated.
//!
//! The execution's threads all run on one OS thread, so the std mutex here
//! is never contended and adds no scheduling point.

use std::collections::BTreeMap;
use std::sync::{Mutex as StdMutex, MutexGuard as StdGuard};

static WATCH: StdMutex<Watch> = StdMutex::new(Watch::new());

struct Watch {
    /// Narrate named locks' steps (off once the check reads its results).
    telling: bool,
    /// Address range of named memory, and its name.
    named: Vec<(usize, usize, String)>,
    /// Unnamed locks, by first appearance.
    unnamed: Vec<usize>,
    /// Thread -> the locks it holds, in the order it took them.
    held: BTreeMap<String, Vec<usize>>,
    /// Thread -> the lock it is blocked on.
    waiting: BTreeMap<String, usize>,
}

impl Watch {
    const fn new() -> Watch {
        Watch {
            telling: true,
            named: Vec::new(),
            unnamed: Vec::new(),
            held: BTreeMap::new(),
            waiting: BTreeMap::new(),
        }
    }

    fn named(&self, address: usize) -> Option<&str> {
        self.named
            .iter()
            .find(|(start, end, _)| (*start..*end).contains(&address))
            .map(|(_, _, name)| name.as_str())
    }

    fn name(&mut self, address: usize) -> String {
        if let Some(name) = self.named(address) {
            return name.to_string();
        }
        let at = match self.unnamed.iter().position(|&a| a == address) {
            Some(at) => at,
            None => {
                self.unnamed.push(address);
                self.unnamed.len() - 1
            }
        };
        format!("lock {}", at + 1)
    }
}

fn watch() -> StdGuard<'static, Watch> {
    WATCH.lock().unwrap_or_else(|e| e.into_inner())
}

/// Names the locks that lie within `value`'s memory in the story of this
/// execution. Call it in the explored closure, right after making `value`.
pub fn name_locks_in<T: ?Sized>(value: &T, name: impl Into<String>) {
    let start = (value as *const T).cast::<u8>() as usize;
    let end = start + std::mem::size_of_val(value).max(1);
    watch().named.push((start, end, name.into()));
}

/// Stops telling lock steps for the rest of the execution (before the check
/// reads its results under the same locks). Who holds what is still kept.
pub fn quiet() {
    watch().telling = false;
}

/// A thread blocked on a lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    /// The thread, as the story names it.
    pub who: String,
    /// The locks it holds, in the order it took them.
    pub holds: Vec<String>,
    /// The lock it waits for.
    pub wants: String,
    /// The thread that holds that lock, if one does.
    pub holder: Option<String>,
}

/// Who is waiting for which lock now: after a deadlock, the cycle.
pub fn waits() -> Vec<Wait> {
    let mut watch = watch();
    let waiting: Vec<(String, usize)> =
        watch.waiting.iter().map(|(who, &wants)| (who.clone(), wants)).collect();
    waiting
        .into_iter()
        .map(|(who, wants)| {
            let holds = watch.held.get(&who).cloned().unwrap_or_default();
            let holder = watch
                .held
                .iter()
                .find(|(_, held)| held.contains(&wants))
                .map(|(holder, _)| holder.clone());
            Wait {
                holds: holds.into_iter().map(|a| watch.name(a)).collect(),
                wants: watch.name(wants),
                who,
                holder,
            }
        })
        .collect()
}

/// Forgets the last execution.
pub(crate) fn reset() {
    *watch() = Watch::new();
}

pub(crate) fn waits_for(address: usize) {
    if let Some(who) = who() {
        watch().waiting.insert(who, address);
    }
}

pub(crate) fn took(address: usize) {
    let Some(who) = who() else {
        return;
    };
    let mut watch = watch();
    watch.waiting.remove(&who);
    watch.held.entry(who).or_default().push(address);
    let line = watch.named(address).filter(|_| watch.telling).map(|name| format!("locks {name}"));
    drop(watch);
    if let Some(line) = line {
        crate::model::narrate(line);
    }
}

pub(crate) fn releases(address: usize) {
    let Some(who) = who() else {
        return;
    };
    let mut watch = watch();
    let held = watch.held.entry(who).or_default();
    if let Some(at) = held.iter().rposition(|&a| a == address) {
        held.remove(at);
    }
    let line = watch.named(address).filter(|_| watch.telling).map(|name| format!("unlocks {name}"));
    drop(watch);
    if let Some(line) = line {
        crate::model::narrate(line);
    }
}

/// The current thread as the story names it, or `None` while a failed
/// execution is torn down (guards dropped then have no current thread).
fn who() -> Option<String> {
    if std::thread::panicking() {
        return None;
    }
    Some(crate::model::thread_name())
}
