//! Running learner code on a watched `current_thread` runtime.

use super::beat::{beat, gaps, longest, spans, Beat, Gap};
use super::{lock, TICK};
use crate::protocol::human_duration;
use crate::sched::{SchedClock, LOOK};
use crate::service::loopback_runtime;
use crate::{fail, Outcome};
use cpu_time::ThreadTime;
use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// A heartbeat that ticked this recently, when a run is stopped, shows a
/// runtime thread that is free.
const STILL_TICKING: Duration = Duration::from_millis(500);

/// What tokio says when `block_in_place` is called on a `current_thread`
/// runtime.
const BLOCK_IN_PLACE_PANIC: &str =
    "can call blocking only when running on the multi-threaded runtime";

/// What a watched run gave back and what was measured on the way.
#[derive(Debug)]
pub struct Watched<T> {
    pub value: T,
    /// When the future was first polled: every time below counts from here.
    pub started: Instant,
    /// From the first poll to the end of the future.
    pub elapsed: Duration,
    /// CPU time the runtime's thread used while it ran the future (the
    /// heartbeat's few microseconds a tick included), or why this system
    /// cannot tell.
    pub runtime_cpu: Result<Duration, String>,
    /// The runtime's only thread: code that ran there ran on the runtime.
    pub runtime_thread: ThreadId,
    /// When the heartbeat task ticked.
    pub ticks: Vec<Duration>,
    /// The runtime thread's CPU time (since the start) at each tick, in the
    /// order of `ticks`; empty when its clock cannot be read.
    pub tick_cpu: Vec<Duration>,
    /// How long the runtime's thread waited for a core during the run, when
    /// the system says ([`SchedClock`]).
    pub runtime_queued: Option<Duration>,
    /// The same at each tick (since the start), in the order of `ticks`;
    /// empty when the system does not say.
    pub tick_queued: Vec<Duration>,
    /// When the control thread (a plain thread sleeping [`TICK`]) ticked.
    pub control: Vec<Duration>,
}

impl<T> Watched<T> {
    /// `at` as a time since [`Watched::started`] (zero if before).
    pub fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.started)
    }

    /// The heartbeat's gaps in time order, each with the CPU time the
    /// runtime's thread used during it, and the time it waited for a core,
    /// when those are known.
    pub fn gaps(&self) -> Vec<Gap> {
        let mut gaps = gaps(&self.ticks, self.elapsed);
        let end_cpu = self.runtime_cpu.as_ref().ok().copied();
        for (gap, cpu) in gaps.iter_mut().zip(spans(&self.tick_cpu, end_cpu, self.ticks.len())) {
            gap.cpu = Some(cpu);
        }
        for (gap, queued) in
            gaps.iter_mut().zip(spans(&self.tick_queued, self.runtime_queued, self.ticks.len()))
        {
            gap.queued = Some(queued);
        }
        gaps
    }

    /// The heartbeat's longest gap.
    pub fn longest_gap(&self) -> Gap {
        longest(&self.gaps(), self.elapsed)
    }

    /// How the heartbeat went: see [`Beat`].
    pub fn beat(&self) -> Beat {
        beat(&self.gaps(), &self.control, self.elapsed)
    }
}

/// One heartbeat tick: when, and the runtime thread's CPU time and time
/// waited for a core then (since the start).
type Tick = (Instant, Option<Duration>, Option<Duration>);

/// Runs the future that `make` builds on a fresh `current_thread` runtime on
/// the real clock, with I/O (so it may talk to `kata_fakes::FakeServer`),
/// on a thread of its own ([`crate::on_thread`]), and waits at most `limit`
/// for it, measuring that thread's CPU time and running a heartbeat task
/// beside the future (see the module's documentation).
///
/// `make` runs inside the runtime. A panic in the future is passed on to the
/// caller, as [`crate::within`] does, except tokio's panic at
/// `block_in_place`, which becomes a failure that explains it.
///
/// # Errors
/// A failing outcome if the run did not finish within `limit` (`what`
/// completes "... did not finish", and the message says whether the thread
/// is computing, blocked or free), if the runtime could not be built, or if
/// the code called `block_in_place`.
pub fn run_watched<T, F, Fut>(limit: Duration, what: &str, make: F) -> Result<Watched<T>, Outcome>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    let stop = Arc::new(AtomicBool::new(false));
    let control: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let control_thread = {
        let (stop, control) = (Arc::clone(&stop), Arc::clone(&control));
        thread::Builder::new()
            .name("kata-control-beat".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    thread::sleep(TICK);
                    lock(&control).push(Instant::now());
                }
            })
            .map_err(|e| fail(format!("the check could not start a thread: {e}")))?
    };
    // Shared with this thread, which reads them if the run never ends.
    let ticks: Arc<Mutex<Vec<Tick>>> = Arc::default();
    let clock: Arc<OnceLock<SchedClock>> = Arc::default();
    let (ticks_of_run, clock_of_run) = (Arc::clone(&ticks), Arc::clone(&clock));
    let run = crate::on_thread(
        "kata-runtime",
        limit,
        move || watch(make, &ticks_of_run, &clock_of_run),
        || {
            fail(format!(
                "{what} did not finish in {}: {}",
                human_duration(limit),
                stuck(&lock(&ticks), clock.get())
            ))
        },
    );
    stop.store(true, Ordering::Relaxed);
    let _ = control_thread.join();
    let mut watched = run?;
    let started = watched.started;
    watched.control = lock(&control)
        .iter()
        .filter(|&&t| t >= started)
        .map(|t| t.duration_since(started))
        .collect();
    Ok(watched)
}

/// The body of [`run_watched`], on the runtime's own thread.
fn watch<T, F, Fut>(
    make: F,
    ticks: &Arc<Mutex<Vec<Tick>>>,
    clock: &Arc<OnceLock<SchedClock>>,
) -> Result<Watched<T>, Outcome>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    let runtime = loopback_runtime()
        .map_err(|e| fail(format!("the check could not build its tokio runtime: {e}")))?;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let queue = clock.get_or_init(SchedClock::this_thread);
        let queued_at_start = queue.queued();
        let cpu = ThreadTime::try_now().map_err(|e| e.to_string());
        // A plain `Duration`: a `ThreadTime` may not leave its thread.
        let cpu_at_start = cpu.as_ref().ok().map(ThreadTime::as_duration);
        let started = Instant::now();
        let (beats, queue_of_beats) = (Arc::clone(ticks), Arc::clone(clock));
        let value = runtime.block_on(async move {
            // Spawned first, so it is in the run queue before the code
            // under test first runs.
            let heartbeat = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(TICK).await;
                    // This task runs on the runtime's thread, so the thread
                    // clock read here is that thread's.
                    let cpu = cpu_at_start.and_then(|start| {
                        let now = ThreadTime::try_now().ok()?;
                        Some(now.as_duration().saturating_sub(start))
                    });
                    let queued = queued_at_start.and_then(|start| {
                        let now = queue_of_beats.get()?.queued()?;
                        Some(now.saturating_sub(start))
                    });
                    lock(&beats).push((Instant::now(), cpu, queued));
                }
            });
            let value = make().await;
            heartbeat.abort();
            value
        });
        let elapsed = started.elapsed();
        let runtime_cpu = cpu.and_then(|t| t.try_elapsed().map_err(|e| e.to_string()));
        let runtime_queued =
            queued_at_start.and_then(|start| Some(queue.queued()?.saturating_sub(start)));
        let beats = lock(ticks);
        let tick_cpu: Option<Vec<Duration>> = beats.iter().map(|b| b.1).collect();
        let tick_queued: Option<Vec<Duration>> = beats.iter().map(|b| b.2).collect();
        Watched {
            value,
            started,
            elapsed,
            runtime_cpu,
            runtime_thread: thread::current().id(),
            ticks: beats.iter().map(|b| b.0.saturating_duration_since(started)).collect(),
            tick_cpu: tick_cpu.unwrap_or_default(),
            runtime_queued,
            tick_queued: tick_queued.unwrap_or_default(),
            control: Vec::new(),
        }
    }));
    // Never wait for tasks the code under test left behind (a
    // `spawn_blocking` job still running would hold up a plain drop).
    runtime.shutdown_background();
    match result {
        Ok(watched) => Ok(watched),
        Err(panic) if panic_text(&*panic).is_some_and(|t| t.contains(BLOCK_IN_PLACE_PANIC)) => {
            Err(block_in_place_failure())
        }
        Err(panic) => resume_unwind(panic),
    }
}

/// Why a run that never ended is stuck, from its heartbeat and, where the
/// system says, the runtime thread's CPU time over a short look now.
fn stuck(ticks: &[Tick], clock: Option<&SchedClock>) -> String {
    let silent = ticks.last().map(|t| t.0.elapsed());
    let silent_text = silent.map_or("never ticked".to_string(), |d| {
        format!("has not ticked for {}", human_duration(d))
    });
    if silent.is_some_and(|d| d < STILL_TICKING) {
        return "the runtime's thread is free (its heartbeat still ticks), so your code is waiting \
                for something that never comes: a channel whose senders are never dropped, a \
                result nobody sends, a task that was never spawned?"
            .into();
    }
    match clock.and_then(|clock| clock.look(LOOK)) {
        Some(look) if look.computing() => format!(
            "the runtime's thread is computing: it used {} of CPU in the last {} and its heartbeat {}. \
             An endless loop, or CPU work that never reaches an `.await`?",
            human_duration(look.ran),
            human_duration(look.length),
            silent_text
        ),
        Some(look) => format!(
            "the runtime's thread is blocked: its heartbeat {}, and the thread used no CPU in the \
             last {}. A std lock, a `join`, `thread::park`, a blocking `recv` or a sleep, called \
             from async code (and so on the runtime's thread)?",
            silent_text,
            human_duration(look.length)
        ),
        None => format!(
            "the runtime's heartbeat {}: its thread is blocked (a std lock, a `join`, a blocking \
             `recv` or sleep) or computing without end",
            silent_text
        ),
    }
}

/// The failure for a call of `tokio::task::block_in_place`.
pub fn block_in_place_failure() -> Outcome {
    fail(
        "your code called `tokio::task::block_in_place`, which panicked: it only works on a \
         multi-threaded runtime, and the grader runs yours on a `current_thread` one (one thread, \
         like asyncio's event loop). Even where it works it is not offloading: it runs the work on \
         the runtime's own worker thread after moving that worker's other tasks away. Hand the work \
         to another thread instead: `tokio::task::spawn_blocking(move || work(..)).await`, or a \
         rayon pool and a `tokio::sync::oneshot` channel.",
    )
}

/// The text of a panic's payload, if it has one.
fn panic_text(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    #[test]
    fn offloaded_work_leaves_the_runtime_free_and_inline_work_does_not() {
        let spin = |d: Duration| {
            let start = ThreadTime::now();
            while start.elapsed() < d {
                std::hint::black_box(0u64);
            }
        };
        let offloaded = run_watched(ms(5000), "offloaded", move || async move {
            tokio::task::spawn_blocking(move || spin(ms(120))).await.unwrap();
        })
        .unwrap();
        let inline = run_watched(ms(5000), "inline", move || async move {
            tokio::task::yield_now().await;
            spin(ms(120));
        })
        .unwrap();
        if let (Ok(off), Ok(on)) = (&offloaded.runtime_cpu, &inline.runtime_cpu) {
            assert!(*off < ms(40), "offloaded: {off:?} on the runtime thread");
            assert!(*on >= ms(120), "inline: {on:?} on the runtime thread");
        }
        assert!(inline.longest_gap().len() >= ms(100), "{:?}", inline.ticks);
        if inline.runtime_cpu.is_ok() {
            assert!(matches!(inline.beat(), Beat::Computing(_)), "{:?}", inline.beat());
        }
        assert!(!matches!(offloaded.beat(), Beat::Computing(_) | Beat::Waiting(_)));
        assert_ne!(inline.runtime_thread, thread::current().id());
    }

    #[test]
    fn block_in_place_is_explained() {
        let outcome =
            run_watched(ms(5000), "blocking", || async { tokio::task::block_in_place(|| 1 + 1) })
                .unwrap_err();
        assert!(outcome.message.contains("spawn_blocking"), "{}", outcome.message);
    }

    #[test]
    fn a_run_that_never_ends_is_a_failure_that_says_where_it_is_stuck() {
        let outcome =
            run_watched(ms(200), "the forever future", std::future::pending::<()>).unwrap_err();
        assert!(
            outcome.message.starts_with(
                "the forever future did not finish in 200 ms: the runtime's thread is free"
            ),
            "{}",
            outcome.message
        );
        let linux = SchedClock::this_thread().read().is_some();
        // Parked for good: the thread left behind costs nothing.
        let parked = run_watched(ms(200), "the parked future", || async {
            thread::park();
        })
        .unwrap_err();
        // Spins for a while past the limit, then ends.
        let spinning = run_watched(ms(200), "the spinning future", || async {
            let start = Instant::now();
            while start.elapsed() < ms(2000) {
                std::hint::spin_loop();
            }
        })
        .unwrap_err();
        if linux {
            assert!(parked.message.contains("thread is blocked"), "{}", parked.message);
            assert!(spinning.message.contains("thread is computing"), "{}", spinning.message);
        } else {
            assert!(parked.message.contains("never ticked"), "{}", parked.message);
        }
    }
}
