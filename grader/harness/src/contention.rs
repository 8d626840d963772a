//! One contention runner (feature `model`): N threads that start together
//! and each run their part, observers that check an invariant while they
//! run, and a judgement of the state once all have ended. The same
//! [`Scenario`] runs two ways:
//!
//! - [`Scenario::stress`], on real threads: a barrier starts them together,
//!   for several rounds, each on a fresh state, within a time limit (a hang
//!   is a verdict, not a hung check). A second opinion: a race that a
//!   stress run did not show proves nothing.
//! - `Scenario::explore` (model-checking builds only), under the build's model checker: every thread a
//!   model thread, so the checker tries their interleavings on purpose. No
//!   barrier there (loom has none, and the checker tries every start order
//!   anyway), no scoped threads (loom has none): the state is made by
//!   `setup` and shared through an `Arc`, and every closure is `'static`.
//!
//! What each thread did through the facade (locks taken, read-modify-writes
//! counted by an instrument) is measured around its part and handed to the
//! judgement: structure that a final count cannot show is in those numbers.

use crate::{fail, Outcome};
use kata_sync::tally::{self, Tally};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Work<S, R> = Arc<dyn Fn(&S, &Turn) -> R + Send + Sync>;
type Observe<S> = Arc<dyn Fn(&S) -> Result<(), String> + Send + Sync>;
type Judge<S, R> = Arc<dyn Fn(&S, &[Part<R>]) -> Result<(), Outcome> + Send + Sync>;

/// A scenario: a state, the threads that contend for it, the observers that
/// watch it, and what must hold at the end.
pub struct Scenario<S, R> {
    what: String,
    setup: Arc<dyn Fn() -> S + Send + Sync>,
    threads: Vec<(String, Work<S, R>)>,
    observers: Vec<(String, Observe<S>)>,
    judge: Judge<S, R>,
    hang: String,
    work_for: Option<Duration>,
    observations: usize,
}

/// Where a thread is: which thread, which round, and (on real threads)
/// whether its time for work is over.
pub struct Turn {
    pub thread: usize,
    pub round: usize,
    until: Option<Instant>,
}

impl Turn {
    /// Whether to go on with more work: false once the scenario's
    /// [`Scenario::work_for`] is over. Under a model checker, always true
    /// (the work is bounded by its count there).
    pub fn going(&self) -> bool {
        self.until.is_none_or(|until| Instant::now() < until)
    }
}

/// What one thread's part returned, and what it did through the facade.
#[derive(Clone, Debug)]
pub struct Part<R> {
    pub result: R,
    pub did: Tally,
}

/// One round of a stress run, for the figures of a pass.
pub struct Round<S, R> {
    pub state: Arc<S>,
    pub parts: Vec<Part<R>>,
}

impl<S, R> Scenario<S, R>
where
    S: Send + Sync + 'static,
    R: Send + 'static,
{
    /// A scenario on a state made afresh by `setup` for every round (and
    /// every model-checked execution). `what` names it in a hang's message:
    /// "8 threads calling get_or_load(7)".
    pub fn new(what: impl Into<String>, setup: impl Fn() -> S + Send + Sync + 'static) -> Self {
        Scenario {
            what: what.into(),
            setup: Arc::new(setup),
            threads: Vec::new(),
            observers: Vec::new(),
            judge: Arc::new(|_, _| Ok(())),
            hang: "a deadlock, a lost wake-up, or a thread that was never joined?".into(),
            work_for: None,
            observations: 1,
        }
    }

    /// Adds a thread named `name` (the story tells what it did by this name).
    pub fn thread(
        mut self,
        name: impl Into<String>,
        work: impl Fn(&S, &Turn) -> R + Send + Sync + 'static,
    ) -> Self {
        self.threads.push((name.into(), Arc::new(work)));
        self
    }

    /// Adds `n` threads running the same part, named `thread A`, `thread B`...
    pub fn threads(
        mut self,
        n: usize,
        work: impl Fn(&S, &Turn) -> R + Send + Sync + 'static,
    ) -> Self {
        let work: Work<S, R> = Arc::new(work);
        for _ in 0..n {
            let name = thread_name(self.threads.len());
            self.threads.push((name, Arc::clone(&work)));
        }
        self
    }

    /// Adds an observer: it checks `invariant` while the threads run (on
    /// real threads, again and again until they end; under a model checker,
    /// [`Scenario::observations`] times, at whatever points the checker
    /// picks). An `Err` is the failure.
    pub fn observer(
        mut self,
        name: impl Into<String>,
        invariant: impl Fn(&S) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.observers.push((name.into(), Arc::new(invariant)));
        self
    }

    /// How many times each observer looks under a model checker (1 unless
    /// set): each look multiplies the schedules to try.
    pub fn observations(mut self, times: usize) -> Self {
        self.observations = times;
        self
    }

    /// What must hold once every thread has ended: the failure (with its
    /// figures, for a stress run; its message, under a model checker).
    pub fn judge(
        mut self,
        judge: impl Fn(&S, &[Part<R>]) -> Result<(), Outcome> + Send + Sync + 'static,
    ) -> Self {
        self.judge = Arc::new(judge);
        self
    }

    /// What a hang means, completing "... did not finish in 5 s: ".
    pub fn on_hang(mut self, meaning: impl Into<String>) -> Self {
        self.hang = meaning.into();
        self
    }

    /// On real threads, each round's work ends after `length` (see
    /// [`Turn::going`]): a loaded machine runs fewer steps, never a longer
    /// check.
    pub fn work_for(mut self, length: Duration) -> Self {
        self.work_for = Some(length);
        self
    }

    /// Runs `rounds` rounds on real threads, within `limit` in all.
    ///
    /// # Errors
    /// The first round's failure (the judgement's or an observer's
    /// message), or a hang.
    pub fn stress(&self, rounds: usize, limit: Duration) -> Result<Vec<Round<S, R>>, Outcome> {
        let this = self.shared();
        let what = self.what.clone();
        let hang = self.hang.clone();
        crate::on_thread(
            "kata-contention",
            limit,
            move || (0..rounds).map(|round| this.round(round)).collect(),
            move || {
                fail(format!(
                    "{what} did not finish in {}: {hang}",
                    crate::protocol::human_duration(limit)
                ))
            },
        )
    }

    /// A copy to move into the runner's threads.
    fn shared(&self) -> Scenario<S, R> {
        Scenario {
            what: self.what.clone(),
            setup: Arc::clone(&self.setup),
            threads: self.threads.clone(),
            observers: self.observers.clone(),
            judge: Arc::clone(&self.judge),
            hang: self.hang.clone(),
            work_for: self.work_for,
            observations: self.observations,
        }
    }

    /// One round on real threads.
    fn round(&self, round: usize) -> Result<Round<S, R>, Outcome> {
        let state = Arc::new((self.setup)());
        let everyone = self.threads.len() + self.observers.len();
        let start = Arc::new(std::sync::Barrier::new(everyone));
        let running = Arc::new(AtomicUsize::new(self.threads.len()));
        let broken = Arc::new(Mutex::new(None::<String>));
        let until = self.work_for.map(|length| Instant::now() + length);
        let workers: Vec<_> = self
            .threads
            .iter()
            .enumerate()
            .map(|(thread, (name, work))| {
                let (state, start, running) =
                    (Arc::clone(&state), Arc::clone(&start), Arc::clone(&running));
                let work = Arc::clone(work);
                spawn(name, move || {
                    start.wait();
                    let turn = Turn { thread, round, until };
                    let part = measured(|| work(&state, &turn));
                    // Ordering: observers stop on seeing 0 (Release pairs with
                    // their Acquire), after the last worker's part.
                    running.fetch_sub(1, Ordering::Release);
                    part
                })
            })
            .collect();
        let observers: Vec<_> = self
            .observers
            .iter()
            .map(|(name, invariant)| {
                let (state, start, running) =
                    (Arc::clone(&state), Arc::clone(&start), Arc::clone(&running));
                let (invariant, broken) = (Arc::clone(invariant), Arc::clone(&broken));
                spawn(name, move || {
                    start.wait();
                    while running.load(Ordering::Acquire) > 0 {
                        if let Err(why) = invariant(&state) {
                            let mut first = broken.lock().unwrap_or_else(|e| e.into_inner());
                            first.get_or_insert(why);
                            return;
                        }
                        std::thread::yield_now();
                    }
                })
            })
            .collect();
        let workers: Vec<_> = workers.into_iter().collect::<Result<_, _>>().map_err(fail)?;
        let observers: Vec<_> = observers.into_iter().collect::<Result<_, _>>().map_err(fail)?;
        let parts: Vec<Part<R>> = workers.into_iter().map(joined).collect();
        observers.into_iter().for_each(joined);
        if let Some(why) = broken.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return Err(fail(why));
        }
        (self.judge)(&state, &parts)?;
        Ok(Round { state, parts })
    }

    /// Explores the scenario under this build's model checker, each thread
    /// and observer a model thread; `explain` is what a failure means (see
    /// [`crate::model::verdict`]).
    #[cfg(any(kata_shuttle, kata_loom))]
    pub fn explore(
        &self,
        explain: impl crate::model::Explain,
    ) -> Result<kata_sync::model::Explored, kata_sync::model::Failure> {
        let this = self.shared();
        crate::model::explore(move || this.execution(), explain)
    }

    /// [`Scenario::explore`], then its verdict: `passed` completes "...
    /// in every one" (see [`crate::model::verdict`]).
    #[cfg(any(kata_shuttle, kata_loom))]
    pub fn check(
        &self,
        passed: &str,
        explain: impl crate::model::Explain + Clone,
    ) -> crate::Verdict {
        crate::model::verdict(self.explore(explain.clone()), passed, explain)
    }

    /// One execution under the model checker: a failure is a panic.
    #[cfg(any(kata_shuttle, kata_loom))]
    fn execution(&self) {
        use kata_sync::model::spawn_named;
        let state = Arc::new((self.setup)());
        let workers: Vec<_> = self
            .threads
            .iter()
            .enumerate()
            .map(|(thread, (name, work))| {
                let (state, work) = (Arc::clone(&state), Arc::clone(work));
                spawn_named(name, move || {
                    let turn = Turn { thread, round: 0, until: None };
                    measured(|| work(&state, &turn))
                })
            })
            .collect();
        let observers: Vec<_> = self
            .observers
            .iter()
            .map(|(name, invariant)| {
                let (state, invariant) = (Arc::clone(&state), Arc::clone(invariant));
                let times = self.observations;
                spawn_named(name, move || {
                    for _ in 0..times {
                        if let Err(why) = invariant(&state) {
                            panic!("{why}");
                        }
                    }
                })
            })
            .collect();
        let parts: Vec<Part<R>> = workers.into_iter().map(joined).collect();
        observers.into_iter().for_each(joined);
        if let Err(why) = (self.judge)(&state, &parts) {
            panic!("{}", why.message);
        }
    }
}

/// Starts a real thread of the scenario, named as in the story.
fn spawn<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<std::thread::JoinHandle<T>, String> {
    std::thread::Builder::new()
        .name(format!("kata {name}"))
        .spawn(f)
        .map_err(|e| format!("the check could not start a thread: {e}"))
}

/// `thread A`, `thread B`, ... `thread Z`, `thread 27`, ...
fn thread_name(index: usize) -> String {
    match u8::try_from(index).ok().filter(|i| *i < 26) {
        Some(i) => format!("thread {}", char::from(b'A' + i)),
        None => format!("thread {}", index + 1),
    }
}

/// Runs a part, measuring what the thread did through the facade meanwhile.
fn measured<R>(part: impl FnOnce() -> R) -> Part<R> {
    let before = tally::this_thread();
    let result = part();
    let after = tally::this_thread();
    Part {
        result,
        did: Tally {
            locks: after.locks - before.locks,
            read_modify_writes: after.read_modify_writes - before.read_modify_writes,
        },
    }
}

/// Joins a thread, passing its panic on (the verdict names it).
fn joined<T, H: Joinable<T>>(handle: H) -> T {
    handle.join_thread().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// std's and the model checker's join handles alike.
trait Joinable<T> {
    fn join_thread(self) -> std::thread::Result<T>;
}

impl<T> Joinable<T> for std::thread::JoinHandle<T> {
    fn join_thread(self) -> std::thread::Result<T> {
        self.join()
    }
}

#[cfg(any(kata_shuttle, kata_loom))]
impl<T> Joinable<T> for kata_sync::thread::JoinHandle<T> {
    fn join_thread(self) -> std::thread::Result<T> {
        self.join()
    }
}

/// Tells an event in the story of a model-checked execution; nothing on
/// real threads. Lets one scenario serve both runs.
pub fn narrate(event: impl AsRef<str>) {
    #[cfg(any(kata_shuttle, kata_loom))]
    kata_sync::model::narrate(event);
    #[cfg(not(any(kata_shuttle, kata_loom)))]
    let _ = event;
}

/// Names the locks within `value` in the story of a model-checked
/// execution ("thread A: locks account 1"); nothing on real threads. Call it
/// in `setup`, on memory that moving the state does not move: a `Vec`'s
/// elements or a `Box`'s contents (the state is moved into an `Arc`).
pub fn name_locks<T: ?Sized>(value: &T, name: impl Into<String>) {
    #[cfg(any(kata_shuttle, kata_loom))]
    kata_sync::watch::name_locks_in(value, name);
    #[cfg(not(any(kata_shuttle, kata_loom)))]
    let _ = (value, name.into());
}

/// Stops telling lock steps (before a judgement reads its results under
/// the same locks); nothing on real threads.
pub fn quiet() {
    #[cfg(any(kata_shuttle, kata_loom))]
    kata_sync::watch::quiet();
}

/// Makes a part take time on real threads (so that the others arrive while
/// it runs); nothing under a model checker, which has no clock and tries
/// the arrivals in every order anyway.
pub fn pause(length: Duration) {
    #[cfg(not(any(kata_shuttle, kata_loom)))]
    std::thread::sleep(length);
    #[cfg(any(kata_shuttle, kata_loom))]
    let _ = length;
}

#[cfg(all(test, any(kata_shuttle, kata_loom)))]
mod model_tests;
#[cfg(all(test, not(any(kata_shuttle, kata_loom))))]
mod tests;
