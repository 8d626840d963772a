//! Is the runtime's thread free? (feature `runtime`)
//!
//! Principle 6 of the curriculum: a blocked runtime is measured by CPU, not
//! by feel. [`run_watched`] runs learner code on a `current_thread` tokio
//! runtime (one thread, like asyncio's event loop) on the real clock, and
//! measures two things about that one thread:
//!
//! - **its CPU time**, read on the thread itself with
//!   `cpu_time::ThreadTime` (portable; no `/proc`). Set beside the CPU the
//!   same job costs on a plain thread of this process ([`cpu_of`], a
//!   same-run baseline), CPU work done inline shows as ~100% and work handed
//!   to other threads as ~1%. Load on the machine slows threads down; it
//!   does not add CPU time to a thread that is not running, so the ratio
//!   survives a busy machine. [`judge_cpu`] holds it to
//!   [`CPU_SHARE_LIMIT`];
//! - **a heartbeat**: a task on the same runtime that wakes every [`TICK`]
//!   and notes the time. While the thread is busy or blocked the heartbeat
//!   cannot run, so the longest gap between ticks is how long the other
//!   tasks (requests, timers) were kept waiting. Each tick also reads the
//!   thread's CPU clock, so a gap is known to be *computing* (the thread ran
//!   code other than the heartbeat for much of it) or not. A gap without
//!   CPU is the code's fault when the thread was *blocked* (a join, a
//!   blocking receive, a sleep), and the machine's when the thread was ready
//!   but waited for a core. Where the OS tells how long a thread waited for
//!   a core ([`SchedClock`]: Linux), the tick reads that too and the gap's
//!   blocked time is what is left. A plain thread sleeping [`TICK`] in a
//!   loop ticks alongside as a control: a gap counts against the code only
//!   when the control kept ticking through it (and, where the run queue is
//!   not known, never went half as long without a tick anywhere in the
//!   run). [`judge_heartbeat`] holds the gaps to [`GAP_LIMIT`] and draws
//!   them ([`crate::picture::heartbeat`]).
//!
//! `tokio::task::block_in_place` panics on a `current_thread` runtime; that
//! panic becomes a failure that says why it is not offloading.

use crate::protocol::human_duration;
use crate::sched::{SchedClock, LOOK};
use crate::service::loopback_runtime;
use crate::{fail, inconclusive, pass, Outcome, Verdict};
use cpu_time::ThreadTime;
use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// How often the heartbeat task (and the control thread) wakes.
pub const TICK: Duration = Duration::from_millis(5);

/// The longest the runtime's thread may go without running its heartbeat.
pub const GAP_LIMIT: Duration = Duration::from_millis(50);

/// A heartbeat that ticked this recently, when a run is stopped, shows a
/// runtime thread that is free.
const STILL_TICKING: Duration = Duration::from_millis(500);

/// The most CPU the runtime's thread may use, as a share of what the job
/// costs on a plain thread. Measured here: inline work ~100%, offloaded
/// work ~1%, with or without load.
pub const CPU_SHARE_LIMIT: f64 = 0.20;

/// A job must cost at least this much CPU on a plain thread for a share of
/// it to mean something (the runtime's own overhead is a few milliseconds).
pub const MIN_BASELINE: Duration = Duration::from_millis(20);

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
        for (gap, cpu) in gaps
            .iter_mut()
            .zip(spans(&self.tick_cpu, end_cpu, self.ticks.len()))
        {
            gap.cpu = Some(cpu);
        }
        for (gap, queued) in gaps.iter_mut().zip(spans(
            &self.tick_queued,
            self.runtime_queued,
            self.ticks.len(),
        )) {
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

/// From a clock read at each of `ticks` ticks (counting from the start) and
/// at the end: how far it went in each gap. Empty when a reading is missing.
fn spans(at_ticks: &[Duration], at_end: Option<Duration>, ticks: usize) -> Vec<Duration> {
    let Some(at_end) = at_end.filter(|_| at_ticks.len() == ticks) else {
        return Vec::new();
    };
    let marks: Vec<Duration> = std::iter::once(Duration::ZERO)
        .chain(at_ticks.iter().copied())
        .chain([at_end])
        .collect();
    marks
        .windows(2)
        .map(|pair| pair[1].saturating_sub(pair[0]))
        .collect()
}

fn longest(gaps: &[Gap], end: Duration) -> Gap {
    gaps.iter()
        .copied()
        .max_by_key(Gap::len)
        .unwrap_or(Gap::new(Duration::ZERO, end))
}

/// The time between two heartbeat ticks (or the start and the first tick,
/// or the last tick and the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub from: Duration,
    pub to: Duration,
    /// The CPU time the runtime's thread used during the gap, when known.
    pub cpu: Option<Duration>,
    /// How long the runtime's thread was ready to run but waited for a core
    /// during the gap, when the system says ([`SchedClock`]).
    pub queued: Option<Duration>,
}

impl Gap {
    /// A gap from `from` to `to`, with nothing known of what the thread did.
    pub fn new(from: Duration, to: Duration) -> Gap {
        Gap {
            from,
            to,
            cpu: None,
            queued: None,
        }
    }

    pub fn len(&self) -> Duration {
        self.to.saturating_sub(self.from)
    }

    /// How long the runtime's thread was blocked (neither running nor
    /// waiting for a core) during the gap, when the system says how long it
    /// waited for a core.
    pub fn blocked(&self) -> Option<Duration> {
        let queued = self.queued?;
        Some(
            self.len()
                .saturating_sub(queued)
                .saturating_sub(self.cpu.unwrap_or_default()),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.len().is_zero()
    }
}

/// The gaps between `0`, each tick and `end`, in time order.
pub fn gaps(ticks: &[Duration], end: Duration) -> Vec<Gap> {
    let mut points: Vec<Duration> = ticks.iter().copied().filter(|&t| t <= end).collect();
    points.sort();
    let mut out = Vec::with_capacity(points.len() + 1);
    let mut last = Duration::ZERO;
    for t in points.into_iter().chain([end]) {
        out.push(Gap::new(last, t));
        last = t;
    }
    out
}

/// What the heartbeat says about a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beat {
    /// Every gap was under [`GAP_LIMIT`]; the longest one.
    Steady(Gap),
    /// A gap of [`GAP_LIMIT`] or more during which the runtime's thread
    /// used at least half the limit of CPU: it was computing instead of
    /// running its tasks. The longest such gap.
    Computing(Gap),
    /// A gap of [`GAP_LIMIT`] or more with little CPU, through which the
    /// control thread kept ticking, during which the runtime's thread was
    /// blocked waiting (a join, a blocking receive, a sleep): blocked for
    /// half the limit or more ([`Gap::blocked`]), or, where the system does
    /// not say, the gap is at least twice the control's longest gap of the
    /// whole run. The longest such gap.
    Waiting(Gap),
    /// The long gaps are neither: the thread was ready but waited for a core,
    /// or the machine may not have run it for a while, so the heartbeat
    /// cannot tell. The longest gap.
    MachineStalled(Gap),
}

/// Judges the heartbeat's `gaps` (see [`Watched::gaps`]) against the
/// `control` thread's ticks over a run of `end`.
pub fn beat(gaps: &[Gap], control: &[Duration], end: Duration) -> Beat {
    let longest_gap = longest(gaps, end);
    let mut long: Vec<Gap> = gaps
        .iter()
        .copied()
        .filter(|g| g.len() >= GAP_LIMIT)
        .collect();
    if long.is_empty() {
        return Beat::Steady(longest_gap);
    }
    long.sort_by_key(|g| std::cmp::Reverse(g.len()));
    // Computing: the thread ran for much of the gap, and not its heartbeat
    // (a tick costs microseconds). No stall of the machine adds CPU time.
    if let Some(gap) = long
        .iter()
        .find(|g| g.cpu.is_some_and(|cpu| cpu >= GAP_LIMIT / 2))
    {
        return Beat::Computing(*gap);
    }
    // Waiting: only against a control that ticked through the gap (a
    // virtual machine that was not run at all stops both). Then, where the
    // system says how long the thread waited for a core, blocked for half
    // the limit; elsewhere, a control that never stalled half as long
    // anywhere in the run.
    let control_longest = longest(&self::gaps(control, end), end).len();
    let waiting = |gap: &&Gap| {
        control_gap_within(control, **gap) < GAP_LIMIT / 2
            && match gap.blocked() {
                Some(blocked) => blocked >= GAP_LIMIT / 2,
                None => gap.len() >= control_longest * 2,
            }
    };
    match long.iter().find(waiting) {
        Some(gap) => Beat::Waiting(*gap),
        None => Beat::MachineStalled(longest_gap),
    }
}

/// The control thread's longest gap inside `gap` (its edges count as ticks).
pub fn control_gap_within(control: &[Duration], gap: Gap) -> Duration {
    let mut last = gap.from;
    let mut longest = Duration::ZERO;
    let mut inside: Vec<Duration> = control
        .iter()
        .copied()
        .filter(|&t| t > gap.from && t < gap.to)
        .collect();
    inside.sort();
    for t in inside.into_iter().chain([gap.to]) {
        longest = longest.max(t - last);
        last = t;
    }
    longest
}

/// Runs `f` on a plain thread of its own and measures the CPU time that
/// thread used: the baseline a runtime thread's CPU time is compared with.
///
/// # Errors
/// This system cannot read a thread's CPU clock.
pub fn cpu_of<R: Send>(f: impl FnOnce() -> R + Send) -> Result<(R, Duration), String> {
    thread::scope(|s| {
        let worker = s.spawn(|| {
            let before = ThreadTime::try_now().map_err(|e| e.to_string());
            let value = f();
            let used = before.and_then(|t| t.try_elapsed().map_err(|e| e.to_string()));
            used.map(|used| (value, used))
        });
        match worker.join() {
            Ok(result) => result,
            Err(panic) => resume_unwind(panic),
        }
    })
}

/// One heartbeat tick: when, and the runtime thread's CPU time and time
/// waited for a core then (since the start).
type Tick = (Instant, Option<Duration>, Option<Duration>);

/// What the run's thread sends back: the run, a panic, or a runtime that
/// could not be built.
type Sent<T> = Result<thread::Result<Watched<T>>, String>;

/// Runs the future that `make` builds on a fresh `current_thread` runtime on
/// the real clock, with I/O (so it may talk to `kata_fakes::FakeServer`),
/// on a thread of its own, and waits at most `limit` for it, measuring that
/// thread's CPU time and running a heartbeat task beside the future (see
/// the module's documentation).
///
/// `make` runs inside the runtime. A panic in the future is passed on to the
/// caller, as [`crate::within`] does, except tokio's panic at
/// `block_in_place`, which becomes a failure that explains it.
///
/// # Errors
/// A failing outcome if the run did not finish within `limit` (`what`
/// completes "... did not finish"), if the runtime could not be built, or
/// if the code called `block_in_place`.
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
    };
    let control_thread = match control_thread {
        Ok(handle) => handle,
        Err(e) => return Err(fail(format!("the check could not start a thread: {e}"))),
    };

    let (tx, rx) = mpsc::channel::<Sent<T>>();
    // Shared with this thread, which reads them if the run never ends.
    let ticks: Arc<Mutex<Vec<Tick>>> = Arc::default();
    let clock: Arc<OnceLock<SchedClock>> = Arc::default();
    let (ticks_of_run, clock_of_run) = (Arc::clone(&ticks), Arc::clone(&clock));
    let spawned = thread::Builder::new()
        .name("kata-runtime".into())
        .spawn(move || {
            let (ticks, beats) = (Arc::clone(&ticks_of_run), ticks_of_run);
            let runtime = match loopback_runtime() {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                let queue = clock_of_run.get_or_init(SchedClock::this_thread);
                let queued_at_start = queue.queued();
                let cpu = ThreadTime::try_now().map_err(|e| e.to_string());
                // A plain `Duration`: a `ThreadTime` may not leave its thread.
                let cpu_at_start = cpu.as_ref().ok().map(ThreadTime::as_duration);
                let started = Instant::now();
                let queue_of_beats = Arc::clone(&clock_of_run);
                let value = runtime.block_on(async move {
                    // Spawned first, so it is in the run queue before the
                    // code under test first runs.
                    let heartbeat = tokio::spawn(async move {
                        loop {
                            tokio::time::sleep(TICK).await;
                            // This task runs on the runtime's thread, so the
                            // thread clock read here is that thread's.
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
                let beats = lock(&ticks);
                let tick_cpu: Option<Vec<Duration>> = beats.iter().map(|b| b.1).collect();
                let tick_queued: Option<Vec<Duration>> = beats.iter().map(|b| b.2).collect();
                Watched {
                    value,
                    started,
                    elapsed,
                    runtime_cpu,
                    runtime_thread: thread::current().id(),
                    ticks: beats
                        .iter()
                        .map(|b| b.0.saturating_duration_since(started))
                        .collect(),
                    tick_cpu: tick_cpu.unwrap_or_default(),
                    runtime_queued,
                    tick_queued: tick_queued.unwrap_or_default(),
                    control: Vec::new(),
                }
            }));
            let _ = tx.send(Ok(result));
            // Never wait for tasks the code under test left behind (a
            // `spawn_blocking` job still running would hold up a plain drop).
            runtime.shutdown_background();
        });
    if let Err(e) = spawned {
        stop.store(true, Ordering::Relaxed);
        return Err(fail(format!("the check could not start a thread: {e}")));
    }
    let received = rx.recv_timeout(limit);
    stop.store(true, Ordering::Relaxed);
    let _ = control_thread.join();
    match received {
        Ok(Ok(Ok(mut watched))) => {
            let started = watched.started;
            watched.control = lock(&control)
                .iter()
                .filter(|&&t| t >= started)
                .map(|t| t.duration_since(started))
                .collect();
            Ok(watched)
        }
        Ok(Ok(Err(panic))) => match panic_text(&*panic) {
            Some(text) if text.contains(BLOCK_IN_PLACE_PANIC) => Err(block_in_place_failure()),
            _ => resume_unwind(panic),
        },
        Ok(Err(why)) => Err(fail(format!(
            "the check could not build its tokio runtime: {why}"
        ))),
        Err(_) => Err(fail(format!(
            "{what} did not finish in {}: {}",
            human_duration(limit),
            stuck(&lock(&ticks), clock.get())
        ))),
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

/// The share of a job's CPU cost that the runtime's thread used.
pub fn cpu_share(runtime_cpu: Duration, baseline: Duration) -> f64 {
    if baseline.is_zero() {
        return f64::INFINITY;
    }
    runtime_cpu.as_secs_f64() / baseline.as_secs_f64()
}

/// `0.0123` as `1.2%`, `0.5` as `50%`.
pub fn percent(share: f64) -> String {
    if share < 0.1 {
        format!("{:.1}%", share * 100.0)
    } else {
        format!("{:.0}%", share * 100.0)
    }
}

/// The verdict on the runtime thread's CPU time: pass when it used at most
/// [`CPU_SHARE_LIMIT`] of the job's `baseline` (the job's CPU cost on a
/// plain thread). `job` names the work ("the 4 calls of `work`"); `advice`
/// ends a failure with what to do.
///
/// Inconclusive (never a failure) when a thread's CPU clock cannot be read
/// or the baseline is too small to compare with.
pub fn judge_cpu(
    runtime_cpu: &Result<Duration, String>,
    baseline: &Result<Duration, String>,
    job: &str,
    advice: &str,
) -> Verdict {
    let (cpu, base) = match (runtime_cpu, baseline) {
        (Ok(cpu), Ok(base)) => (*cpu, *base),
        (Err(why), _) | (_, Err(why)) => {
            return Ok(inconclusive(format!(
                "inconclusive on this system: the check compares CPU time read by each thread itself, and {why}"
            )))
        }
    };
    if base < MIN_BASELINE {
        return Ok(inconclusive(format!(
            "inconclusive on this system: {job} cost only {} of CPU on a plain thread, too little to \
             compare the runtime thread's CPU time with (its clock is too coarse here?)",
            human_duration(base)
        )));
    }
    let share = cpu_share(cpu, base);
    let figure = |o: Outcome| {
        o.figure(
            "runtime thread's CPU ÷ the job's CPU on a plain thread",
            percent(share),
            format!("≤ {}", percent(CPU_SHARE_LIMIT)),
        )
        .detail(format!(
            "the runtime's thread used {} of CPU while your code ran; {job} cost {} on a plain thread",
            human_duration(cpu),
            human_duration(base)
        ))
    };
    if share > CPU_SHARE_LIMIT {
        return Err(figure(fail(format!(
            "the runtime's thread did the CPU work: it used {} of CPU, {} of what {job} cost on a \
             plain thread. While it computed, no other task on the runtime could run: every other \
             request, timer and socket waited. {advice}",
            human_duration(cpu),
            percent(share)
        ))));
    }
    Ok(figure(pass(format!(
        "the runtime's thread used {} of the job's CPU: the work ran elsewhere",
        percent(share)
    ))))
}

/// The verdict on the heartbeat of a run (see [`Beat`]): pass when no gap
/// reached [`GAP_LIMIT`], fail when one did because the runtime's thread was
/// computing or blocked waiting, inconclusive when the machine may have
/// stalled it. The picture of the ticks is in the details either way.
/// `advice` ends a failure with what to do.
pub fn judge_heartbeat<T>(watched: &Watched<T>, advice: &str) -> Verdict {
    let picture = crate::picture::heartbeat(
        &format!(
            "heartbeat: a task on the runtime's thread that wakes every {}",
            human_duration(TICK)
        ),
        &watched.ticks,
        watched.elapsed,
        GAP_LIMIT,
    );
    let control_longest = gaps(&watched.control, watched.elapsed)
        .iter()
        .map(Gap::len)
        .max()
        .unwrap_or_default();
    let report = |o: Outcome, gap: Gap| {
        o.figure(
            "longest heartbeat gap",
            human_duration(gap.len()),
            format!("< {}", human_duration(GAP_LIMIT)),
        )
        .details(picture.clone())
        .detail(format!(
            "{} tick{} in {}; a plain thread sleeping {} at the same time went at most {} without a tick",
            watched.ticks.len(),
            if watched.ticks.len() == 1 { "" } else { "s" },
            human_duration(watched.elapsed),
            human_duration(TICK),
            human_duration(control_longest)
        ))
    };
    match watched.beat() {
        Beat::Steady(gap) => Ok(report(
            pass(format!(
                "the runtime's thread was never held up: its heartbeat's longest gap was {}",
                human_duration(gap.len())
            )),
            gap,
        )),
        Beat::Computing(gap) => Err(report(
            fail(format!(
                "the runtime's thread was held up for {} (from {} to {}): its heartbeat, due every {}, \
                 could not run, because the thread spent {} of CPU on other code in that time. For \
                 that long every other task on the runtime waited too. {advice}",
                human_duration(gap.len()),
                human_duration(gap.from),
                human_duration(gap.to),
                human_duration(TICK),
                human_duration(gap.cpu.unwrap_or_default())
            )),
            gap,
        )),
        Beat::Waiting(gap) => Err(report(
            fail(format!(
                "the runtime's thread was held up for {} (from {} to {}): its heartbeat, due every {}, \
                 could not run, though the thread used almost no CPU and {}. So it was blocked \
                 waiting: a `join`, a blocking `recv`, a sleep, a std lock, rayon's `install`? For \
                 that long every other task on the runtime waited too. {advice}",
                human_duration(gap.len()),
                human_duration(gap.from),
                human_duration(gap.to),
                human_duration(TICK),
                match gap.blocked() {
                    Some(blocked) => format!(
                        "was not waiting for a core: the OS had it blocked for {}",
                        human_duration(blocked)
                    ),
                    None => "a plain thread beside it kept ticking".to_string(),
                }
            )),
            gap,
        )),
        Beat::MachineStalled(gap) => Ok(report(
            // The run queue explains the gap (the thread was hardly blocked),
            // or else the control stalled through it too.
            inconclusive(match gap.queued.filter(|_| gap.blocked() < Some(GAP_LIMIT / 2)) {
                Some(queued) => format!(
                    "inconclusive right now: the heartbeat went {} without a tick, but the runtime's \
                     thread was ready to run for {} of it and waited for a core: the machine was too \
                     busy to let it run, whatever the code did",
                    human_duration(gap.len()),
                    human_duration(queued)
                ),
                None => format!(
                    "inconclusive right now: the heartbeat went {} without a tick while the runtime's \
                     thread used almost no CPU, and a plain thread beside it stalled too ({} at most): \
                     the machine was too busy to tell a blocked thread from one it did not run",
                    human_duration(gap.len()),
                    human_duration(control_longest)
                ),
            }),
            gap,
        )),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn every(step: u64, from: u64, to: u64) -> Vec<Duration> {
        (from..to).step_by(step as usize).map(ms).collect()
    }

    #[test]
    fn gaps_run_from_the_start_through_each_tick_to_the_end() {
        let g = gaps(&[ms(5), ms(10), ms(70)], ms(80));
        let lens: Vec<Duration> = g.iter().map(Gap::len).collect();
        assert_eq!(lens, [ms(5), ms(5), ms(60), ms(10)]);
        assert_eq!(gaps(&[], ms(30)), [Gap::new(ms(0), ms(30))]);
    }

    /// Ticks every 5 ms up to 95 ms, then from 180 ms: one gap of 85 ms.
    fn stalled_ticks() -> Vec<Duration> {
        let mut ticks = every(5, 5, 100);
        ticks.extend(every(5, 180, 300));
        ticks
    }

    /// The gaps of `ticks` with `cpu` used in the long one (none elsewhere).
    fn with_cpu(ticks: &[Duration], cpu: Duration) -> Vec<Gap> {
        gaps(ticks, ms(300))
            .into_iter()
            .map(|mut g| {
                g.cpu = Some(if g.len() >= GAP_LIMIT { cpu } else { ms(0) });
                g
            })
            .collect()
    }

    #[test]
    fn a_steady_heartbeat_passes() {
        let ticks = every(5, 5, 200);
        let g = gaps(&ticks, ms(200));
        assert!(matches!(beat(&g, &ticks, ms(200)), Beat::Steady(g) if g.len() == ms(5)));
    }

    #[test]
    fn a_long_gap_full_of_cpu_is_computing_whatever_the_control_saw() {
        let g = with_cpu(&stalled_ticks(), ms(60));
        match beat(&g, &[], ms(300)) {
            Beat::Computing(gap) => assert_eq!((gap.from, gap.to), (ms(95), ms(180))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_long_idle_gap_the_control_ticked_through_is_waiting() {
        let g = with_cpu(&stalled_ticks(), ms(1));
        let control = every(5, 5, 300);
        match beat(&g, &control, ms(300)) {
            Beat::Waiting(gap) => assert_eq!((gap.from, gap.to), (ms(95), ms(180))),
            other => panic!("{other:?}"),
        }
        // Without CPU readings, the control alone decides.
        assert!(matches!(
            beat(&gaps(&stalled_ticks(), ms(300)), &control, ms(300)),
            Beat::Waiting(_)
        ));
    }

    #[test]
    fn a_long_idle_gap_is_the_machine_when_the_control_stalled_too() {
        let g = with_cpu(&stalled_ticks(), ms(1));
        // The control stalls through the same gap...
        let mut control = every(5, 5, 100);
        control.extend(every(5, 170, 300));
        assert!(matches!(
            beat(&g, &control, ms(300)),
            Beat::MachineStalled(g) if g.len() == ms(85)
        ));
        assert_eq!(
            control_gap_within(&control, Gap::new(ms(95), ms(180))),
            ms(75)
        );
        // ...or elsewhere, half as long as the heartbeat's.
        let mut control = every(5, 5, 200);
        control.extend(every(5, 250, 300));
        assert!(matches!(
            beat(&g, &control, ms(300)),
            Beat::MachineStalled(_)
        ));
    }

    /// The gaps of [`stalled_ticks`], the long one (85 ms) with 1 ms of CPU
    /// and `queued` of waiting for a core.
    fn with_queue(queued: u64) -> Vec<Gap> {
        with_cpu(&stalled_ticks(), ms(1))
            .into_iter()
            .map(|mut g| {
                g.queued = Some(if g.len() >= GAP_LIMIT {
                    ms(queued)
                } else {
                    ms(0)
                });
                g
            })
            .collect()
    }

    #[test]
    fn where_the_run_queue_is_known_it_tells_a_busy_machine_from_a_block() {
        let steady_control = every(5, 5, 300);
        // 80 of the 85 ms waiting for a core: the machine, though the
        // control ticked all along.
        let g = with_queue(80);
        assert_eq!(g[19].blocked(), Some(ms(4)));
        assert!(matches!(
            beat(&g, &steady_control, ms(300)),
            Beat::MachineStalled(_)
        ));
        // 10 of the 85 ms waiting for a core: blocked for 74 ms, even if
        // the control stalled for 40 ms elsewhere in the run...
        let g = with_queue(10);
        let mut control = every(5, 5, 200);
        control.extend(every(5, 240, 300));
        assert!(matches!(
            beat(&g, &control, ms(300)),
            Beat::Waiting(g) if g.blocked() == Some(ms(74))
        ));
        // ...but not when the control stalled through that gap too: the
        // whole (virtual) machine was not run.
        let mut control = every(5, 5, 100);
        control.extend(every(5, 170, 300));
        assert!(matches!(
            beat(&g, &control, ms(300)),
            Beat::MachineStalled(_)
        ));
    }

    #[test]
    fn this_threads_run_queue_clock_reads_where_the_system_has_one() {
        let clock = SchedClock::this_thread();
        let first = clock.queued();
        if cfg!(target_os = "linux") && std::path::Path::new("/proc/thread-self/schedstat").exists()
        {
            let first = first.expect("Linux has /proc/thread-self/schedstat");
            thread::sleep(ms(2));
            assert!(clock.queued().unwrap() >= first);
        } else {
            assert_eq!(first, None);
        }
    }

    #[test]
    fn cpu_shares_and_their_verdicts() {
        assert!((cpu_share(ms(10), ms(100)) - 0.1).abs() < 1e-9);
        assert_eq!(percent(0.012), "1.2%");
        assert_eq!(percent(0.97), "97%");
        let ok = judge_cpu(&Ok(ms(3)), &Ok(ms(300)), "the job", "Offload it.").unwrap();
        assert_eq!(ok.status, Status::Passed);
        let bad = judge_cpu(&Ok(ms(290)), &Ok(ms(300)), "the job", "Offload it.").unwrap_err();
        assert!(bad.message.contains("97%"), "{}", bad.message);
        assert!(bad.message.ends_with("Offload it."));
        let unreadable = judge_cpu(&Err("no clock".into()), &Ok(ms(300)), "the job", "");
        assert_eq!(unreadable.unwrap().status, Status::Inconclusive);
        let tiny = judge_cpu(&Ok(ms(1)), &Ok(ms(2)), "the job", "");
        assert_eq!(tiny.unwrap().status, Status::Inconclusive);
    }

    #[test]
    fn offloaded_work_leaves_the_runtime_free_and_inline_work_does_not() {
        let spin = |d: Duration| {
            let start = ThreadTime::now();
            while start.elapsed() < d {
                std::hint::black_box(0u64);
            }
        };
        let offloaded = run_watched(ms(5000), "offloaded", move || async move {
            tokio::task::spawn_blocking(move || spin(ms(120)))
                .await
                .unwrap();
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
            assert!(
                matches!(inline.beat(), Beat::Computing(_)),
                "{:?}",
                inline.beat()
            );
        }
        assert!(!matches!(
            offloaded.beat(),
            Beat::Computing(_) | Beat::Waiting(_)
        ));
        assert_ne!(inline.runtime_thread, thread::current().id());
    }

    #[test]
    fn block_in_place_is_explained() {
        let outcome = run_watched(ms(5000), "blocking", || async {
            tokio::task::block_in_place(|| 1 + 1)
        })
        .unwrap_err();
        assert!(
            outcome.message.contains("spawn_blocking"),
            "{}",
            outcome.message
        );
    }

    #[test]
    fn a_run_that_never_ends_is_a_failure_that_says_where_it_is_stuck() {
        let outcome = run_watched(ms(200), "the forever future", || {
            std::future::pending::<()>()
        })
        .unwrap_err();
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
            assert!(
                parked.message.contains("thread is blocked"),
                "{}",
                parked.message
            );
            assert!(
                spinning.message.contains("thread is computing"),
                "{}",
                spinning.message
            );
        } else {
            assert!(
                parked.message.contains("never ticked"),
                "{}",
                parked.message
            );
        }
    }
}
