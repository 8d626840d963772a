//! Does a blocked thread sleep, or spin? (feature `cpu`: the thread reads
//! its own CPU clock)
//!
//! A thread blocked in `wait`, `acquire`, `put` on a full queue or `take` on
//! an empty one should cost (almost) nothing until it is woken. [`watch_wait`]
//! starts the blocking call on a thread of its own, leaves it blocked for a
//! known stretch, and reads what that thread did meanwhile:
//!
//! - its own CPU time, read by the thread itself (`cpu-time`: Linux, macOS
//!   and Windows). A spin uses most of the stretch, a condvar sleeper none;
//!   but on a busy machine a spinning thread gets only its share of a core,
//!   and a `yield_now` loop gives most of it away;
//! - on Linux, also the time it spent *wanting* a core (on one, or ready in
//!   the run queue): a spinner or a `yield_now` loop wants the CPU the whole
//!   stretch however busy the machine is, a sleeper not at all. Where the
//!   system says, this is the figure judged.
//!
//! Threads the check cannot run code on (a pool's idle workers) are judged
//! together: [`watch_idle`] reads the whole process's CPU time while the
//! check sleeps (on Linux, it also looks at the other threads' states), and
//! [`judge_idle`] holds it to the same share.

use crate::protocol::human_duration;
use crate::sched::SchedClock;
use crate::{fail, inconclusive, on_thread, pass, Outcome, Verdict};
use cpu_time::{ProcessTime, ThreadTime};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The most of a wait a blocked thread may spend on (or queued for) a core.
pub const BUSY_LIMIT: f64 = 0.10;

/// What a blocked thread did over a wait of known length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Waiting {
    /// How long the call was left blocked before `release`.
    pub length: Duration,
    /// The thread's CPU time from the start of the call to its return.
    pub cpu: Duration,
    /// How long the whole call took (the stretch, then waking up).
    pub call: Duration,
    /// On Linux: time on a core or queued for one, over the stretch alone.
    pub wanted: Option<Duration>,
}

impl Waiting {
    /// The share of the wait the thread spent computing (or, where the
    /// system says, wanting to): the figure judged.
    pub fn busy(&self) -> f64 {
        match self.wanted {
            Some(wanted) => ratio(wanted, self.length),
            None => ratio(self.cpu, self.call),
        }
    }
}

fn ratio(part: Duration, whole: Duration) -> f64 {
    part.as_secs_f64() / whole.as_secs_f64().max(1e-9)
}

/// Runs `block` (a call that should block) on a thread of its own, leaves it
/// `length`, then runs `release` (which should let it return) and waits at
/// most `limit` for it.
///
/// # Errors
/// A failure if `block` returned before `release` ran (it did not block at
/// all), or did not return within `limit` of it (`what` completes "... did
/// not return").
pub fn watch_wait(
    what: &str,
    length: Duration,
    limit: Duration,
    block: impl FnOnce() + Send + 'static,
    release: impl FnOnce(),
) -> Result<Waiting, Outcome> {
    let (clock_tx, clock_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("kata-waiter".into()).spawn(move || {
        let _ = clock_tx.send(SchedClock::this_thread());
        let started = Instant::now();
        let cpu = ThreadTime::try_now().ok();
        block();
        let cpu = cpu.and_then(|t| t.try_elapsed().ok());
        let _ = done_tx.send((cpu, started.elapsed()));
    });
    if let Err(e) = spawned {
        return Err(fail(format!("the check could not start a thread: {e}")));
    }
    let clock = clock_rx.recv().ok();
    let before = clock.as_ref().and_then(SchedClock::read);
    std::thread::sleep(length);
    let after = clock.as_ref().and_then(SchedClock::read);
    if let Ok((_, call)) = done_rx.try_recv() {
        return Err(fail(format!(
            "{what} returned after {} by itself, before anything released it: it did not block",
            human_duration(call)
        )));
    }
    release();
    let (cpu, call) = on_thread(
        "kata-wait-for-waiter",
        limit,
        move || Ok(done_rx.recv()),
        || {
            fail(format!(
                "{what} did not return within {} of being released: a lost wake-up?",
                human_duration(limit)
            ))
        },
    )?
    .map_err(|_| fail(format!("{what} panicked")))?;
    let wanted = match (before, after) {
        (Some(b), Some(a)) => Some((a.ran + a.queued).saturating_sub(b.ran + b.queued)),
        _ => None,
    };
    Ok(Waiting { length, cpu: cpu.unwrap_or_default(), call, wanted })
}

/// Passes when the blocked thread spent at most [`BUSY_LIMIT`] of the wait
/// on the CPU; the failure says it spins, and how it should wait instead.
pub fn judge_waiting(waiting: &Waiting, what: &str) -> Verdict {
    let busy = waiting.busy();
    let (figure, whole) = match waiting.wanted {
        Some(wanted) => ("time on or queued for a core", wanted),
        None => ("CPU time", waiting.cpu),
    };
    let measured = format!(
        "{} of {} ({:.0}%)",
        human_duration(whole),
        human_duration(waiting.length),
        busy * 100.0
    );
    let required = format!("≤ {:.0}%", BUSY_LIMIT * 100.0);
    if busy > BUSY_LIMIT {
        return Err(fail(format!(
            "{what} kept the CPU busy while it waited: {measured}. A blocked thread should \
             sleep until it is woken. A loop that checks a flag (with `spin_loop`, `yield_now` \
             or nothing at all) burns a core the whole time; wait on a `Condvar` with the \
             state under its `Mutex` instead."
        ))
        .figure(figure, measured, required));
    }
    Ok(pass(format!("{what} slept while it waited")).figure(figure, measured, required))
}

/// What the process's other threads did while one of them slept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Idle {
    /// How long the watch took (on a busy machine, longer than asked).
    pub length: Duration,
    /// The whole process's CPU time over the stretch, if the system says.
    pub cpu: Option<Duration>,
    /// On Linux: how many of the other threads were found running or ready
    /// to run, on average over [`LOOKS`] looks.
    pub found: Option<f64>,
}

/// How many times [`watch_idle`] looks at the threads' states.
pub const LOOKS: u32 = 20;

/// The most threads a look may find running or ready to run, on average,
/// while the process has nothing to do. A spinner is found so at every look,
/// a `yield_now` loop too, however little of a core a busy (or throttled)
/// machine gives it, so its CPU time may read low; a sleeper is found so
/// only when a look falls on its wake-up.
pub const FOUND_LIMIT: f64 = 1.0;

/// What the process's threads other than the caller do while the caller
/// sleeps `length`: their CPU time, and on Linux their states, looked at
/// [`LOOKS`] times.
pub fn watch_idle(length: Duration) -> Idle {
    let (started, cpu) = (Instant::now(), ProcessTime::try_now().ok());
    let (mut found, mut looks) = (0usize, 0u32);
    for _ in 0..LOOKS {
        std::thread::sleep(length / LOOKS);
        if let Some(now) = crate::sched::others_runnable() {
            (found, looks) = (found + now, looks + 1);
        }
    }
    Idle {
        length: started.elapsed().max(length),
        cpu: cpu.and_then(|t| t.try_elapsed().ok()),
        found: (looks > 0).then(|| found as f64 / f64::from(looks)),
    }
}

/// Passes when the idle threads together used at most [`BUSY_LIMIT`] of one
/// core and, where the system says, were found wanting one at most
/// [`FOUND_LIMIT`] on average ([`watch_idle`]); `what` names them ("a pool
/// of 4 with no jobs"), `advice` says how they should wait.
pub fn judge_idle(idle: Option<Idle>, what: &str, advice: &str) -> Verdict {
    let Some((idle, cpu)) = idle.and_then(|i| Some((i, i.cpu?))) else {
        return Ok(inconclusive(
            "this system does not give the process's CPU time, so idle threads could not be measured",
        ));
    };
    let busy = ratio(cpu, idle.length);
    let mut measured = format!(
        "{} of CPU in {} ({:.0}% of one core)",
        human_duration(cpu),
        human_duration(idle.length),
        busy * 100.0
    );
    let found = idle.found.unwrap_or(0.0);
    if found > FOUND_LIMIT && busy <= BUSY_LIMIT {
        measured = format!(
            "{found:.1} threads found running or ready to run at a look, though they got only \
             {measured}: a loop that yields gives its turns away on a busy machine, but it never \
             sleeps"
        );
    } else if idle.found.is_some() {
        measured += &format!(", {found:.1} threads found running or ready to run at a look");
    }
    let shown = |o: Outcome| {
        let (got, most) =
            (format!("{:.0}%", busy * 100.0), format!("≤ {:.0}%", BUSY_LIMIT * 100.0));
        let o = o.figure("CPU used while idle", got, most);
        match idle.found {
            Some(found) => o.figure(
                "threads found wanting a core",
                format!("{found:.1}"),
                format!("≤ {FOUND_LIMIT:.1}"),
            ),
            None => o,
        }
    };
    if busy > BUSY_LIMIT || found > FOUND_LIMIT {
        return Err(shown(fail(format!(
            "{what} kept the CPU busy with nothing to do: {measured}. {advice}"
        ))));
    }
    Ok(shown(pass(format!("{what} used {measured}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn idle_threads_are_judged_together() {
        let cpu_only = |cpu| Some(Idle { length: MS(200), cpu: Some(cpu), found: None });
        let spun = judge_idle(cpu_only(MS(100)), "a spinner", "sleep on a Condvar");
        let message = spun.unwrap_err().message;
        let said = "a spinner kept the CPU busy with nothing to do: 100 ms of CPU in 200 ms (50% of one core)";
        assert!(message.starts_with(said), "{message}");
        assert!(judge_idle(cpu_only(MS(4)), "a sleeper", "").is_ok());
        let unread = judge_idle(None, "a pool", "").unwrap();
        assert_eq!(unread.status, crate::Status::Inconclusive);
    }

    #[test]
    fn a_yielding_pool_is_seen_in_its_states() {
        // Two yield_now spinners on a throttled machine: almost no CPU.
        let starved = Idle { length: MS(300), cpu: Some(MS(2)), found: Some(2.0) };
        let message = judge_idle(Some(starved), "2 waiters", "").unwrap_err().message;
        let said = "2 waiters kept the CPU busy with nothing to do: 2.0 threads found running or \
                    ready to run at a look, though they got only 2.0 ms of CPU in 300 ms";
        assert!(message.starts_with(said), "{message}");
        let asleep = Idle { found: Some(0.3), ..starved };
        assert!(judge_idle(Some(asleep), "2 waiters", "").is_ok());
    }

    #[test]
    fn a_yielding_thread_is_found_wanting_a_core() {
        if crate::sched::others_runnable().is_none() {
            return; // not Linux: nothing to read
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spin_stop = std::sync::Arc::clone(&stop);
        let spinner = std::thread::spawn(move || {
            while !spin_stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::yield_now();
            }
        });
        let busy = watch_idle(MS(100));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        spinner.join().unwrap();
        assert!(judge_idle(Some(busy), "a spinner", "").is_err(), "{busy:?}");
        assert!(busy.found.unwrap() >= 0.9, "{busy:?}");
    }

    #[test]
    fn the_run_queue_is_judged_where_the_system_says() {
        // A yield_now spinner on a busy machine: little CPU, but it wanted
        // the core all the time.
        let yielding =
            Waiting { length: MS(300), cpu: MS(20), call: MS(301), wanted: Some(MS(290)) };
        assert!(judge_waiting(&yielding, "wait").is_err());
        let asleep = Waiting { wanted: Some(MS(1)), ..yielding };
        assert!(judge_waiting(&asleep, "wait").is_ok());
    }

    #[test]
    fn elsewhere_the_threads_own_cpu_time_is_judged() {
        let spinning = Waiting { length: MS(300), cpu: MS(120), call: MS(302), wanted: None };
        let failure = judge_waiting(&spinning, "wait()").unwrap_err();
        assert!(failure.message.contains("40%"), "{}", failure.message);
        let asleep = Waiting { cpu: MS(2), ..spinning };
        assert!(judge_waiting(&asleep, "wait()").is_ok());
    }
}
