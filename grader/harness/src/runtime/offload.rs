//! Where a job's calls ran, and the verdict on the runtime thread's CPU.

use super::{lock, CPU_SHARE_LIMIT, MIN_BASELINE};
use crate::judge::Judgement;
use crate::protocol::human_duration;
use crate::{inconclusive, Outcome, Status, Verdict};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// What to do instead of polling for a result, said when the runtime's
/// thread was busy waiting.
pub(super) const AWAIT_INSTEAD: &str = "`.await` the handle or the receiver instead: the task \
    then sleeps until the result is there, and the thread runs every other task meanwhile.";

/// One call of the CPU job the checks hand to learner code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub thread: ThreadId,
    pub start: Instant,
    pub end: Instant,
}

/// The calls of a job: which thread ran each, and when.
#[derive(Debug, Default)]
pub struct Calls {
    log: Mutex<Vec<Call>>,
}

impl Calls {
    pub fn new() -> Calls {
        Calls::default()
    }

    /// Runs `f` as one call of the job, noting its thread and times.
    pub fn record<R>(&self, f: impl FnOnce() -> R) -> R {
        let start = Instant::now();
        let value = f();
        lock(&self.log).push(Call {
            thread: std::thread::current().id(),
            start,
            end: Instant::now(),
        });
        value
    }

    /// Every call so far, in the order they ended.
    pub fn all(&self) -> Vec<Call> {
        lock(&self.log).clone()
    }

    pub fn len(&self) -> usize {
        lock(&self.log).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many calls ran on `thread`.
    pub fn on(&self, thread: ThreadId) -> usize {
        lock(&self.log).iter().filter(|c| c.thread == thread).count()
    }
}

/// The job a runtime verdict is about, and where its calls ran.
#[derive(Clone, Debug)]
pub struct Offload<'a> {
    /// Completes "... of what {job} cost on a plain thread": "the 4 calls
    /// of `work`".
    pub job: String,
    /// The function each call ran, "`work`".
    pub function: &'a str,
    pub calls: usize,
    /// How many of the calls ran on the runtime's thread.
    pub on_runtime: usize,
    /// Ends a failure about blocking: what to do.
    pub advice: &'a str,
}

impl Offload<'_> {
    /// "2 of the 4 calls of `work` ran on the runtime's thread."
    pub fn place(&self) -> String {
        format!(
            "{} of the {} calls of {} ran on the runtime's thread",
            self.on_runtime, self.calls, self.function
        )
    }

    /// Every call ran elsewhere: CPU used by the runtime's thread is then
    /// its own waiting, not the job.
    pub fn busy_waiting(&self) -> bool {
        self.calls > 0 && self.on_runtime == 0
    }
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
/// [`CPU_SHARE_LIMIT`] of the job's `baseline` (its CPU cost on a plain
/// thread). The failure says whether the thread did the job itself or,
/// every call having run elsewhere, burned its CPU waiting for them.
///
/// Inconclusive (never a failure) when a thread's CPU clock cannot be read
/// or the baseline is too small to compare with.
pub fn judge_cpu(
    runtime_cpu: &Result<Duration, String>,
    baseline: &Result<Duration, String>,
    job: &Offload,
) -> Verdict {
    let (cpu, base) = match (runtime_cpu, baseline) {
        (Ok(cpu), Ok(base)) => (*cpu, *base),
        (Err(why), _) | (_, Err(why)) => {
            return Ok(inconclusive(format!(
                "inconclusive on this system: the check compares CPU time read by each thread itself, and {why}"
            )))
        }
    };
    let name = &job.job;
    if base < MIN_BASELINE {
        return Ok(inconclusive(format!(
            "inconclusive on this system: {name} cost only {} of CPU on a plain thread, too little \
             to compare the runtime thread's CPU time with (its clock is too coarse here?)",
            human_duration(base)
        )));
    }
    let share = cpu_share(cpu, base);
    let mut j = Judgement::new();
    j.figure(
        "runtime thread's CPU ÷ the job's CPU on a plain thread",
        percent(share),
        format!("≤ {}", percent(CPU_SHARE_LIMIT)),
    )
    .detail(format!(
        "the runtime's thread used {} of CPU while your code ran; {name} cost {} on a plain thread",
        human_duration(cpu),
        human_duration(base)
    ))
    .detail(job.place());
    if share > CPU_SHARE_LIMIT && job.busy_waiting() {
        return Err(j.fail(format!(
            "the runtime's thread used {} of CPU, {} of what {name} cost on a plain thread, though \
             none of the {} calls of {} ran on it: it was busy waiting for their results. A loop \
             that keeps asking whether the work is done (`is_finished()`, `try_recv()`, \
             `now_or_never()`, with or without `yield_now().await` between) keeps the thread \
             computing for as long as the work runs elsewhere. {AWAIT_INSTEAD}",
            human_duration(cpu),
            percent(share),
            job.calls,
            job.function
        )));
    }
    j.ensure(share <= CPU_SHARE_LIMIT, || {
        format!(
            "the runtime's thread did the CPU work: it used {} of CPU, {} of what {name} cost on a \
             plain thread. While it computed, no other task on the runtime could run: every other \
             request, timer and socket waited. {}",
            human_duration(cpu),
            percent(share),
            job.advice
        )
    })?;
    Ok(j.pass(format!(
        "the runtime's thread used {} of the job's CPU: the work ran elsewhere",
        percent(share)
    )))
}

/// Both verdicts on one run, as one: the CPU time is the robust measure,
/// so its failure stands on its own (with the heartbeat's picture beside
/// it); otherwise the heartbeat decides, with the CPU share beside it. The
/// pass says both.
///
/// # Errors
/// The failure of either.
pub fn judge_offload<T>(
    watched: &super::Watched<T>,
    baseline: &Result<Duration, String>,
    job: &Offload,
) -> Verdict {
    let beat = super::judge_heartbeat(watched, job).unwrap_or_else(|o| o);
    let cpu = match judge_cpu(&watched.runtime_cpu, baseline, job) {
        Err(cpu) => return Err(cpu.details(beat.details)),
        Ok(cpu) => cpu,
    };
    let share = cpu.figures.first().map(|f| f.measured.clone());
    let mut beat =
        Outcome { figures: cpu.figures.into_iter().chain(beat.figures).collect(), ..beat };
    match (beat.status, share) {
        (Status::Failed, _) => Err(beat),
        (Status::Passed, Some(share)) => {
            beat.message = format!(
                "the runtime's thread used {share} of the CPU that {} cost on a plain thread, and \
                 was never held up: the CPU work ran elsewhere",
                job.job
            );
            Ok(beat)
        }
        _ => Ok(beat),
    }
}

/// Runs `attempt` and, unless it passed, once more; the last verdict
/// stands. A heartbeat gap can be the machine's doing: a right answer gets
/// a second run, a wrong one fails both. An `Err` from `attempt` itself (a
/// wrong answer, a hang) ends it at once.
///
/// # Errors
/// `attempt`'s own error, or its last verdict's failure.
pub fn second_chance(mut attempt: impl FnMut() -> Result<Verdict, Outcome>) -> Verdict {
    let first = attempt()?;
    if matches!(&first, Ok(o) if o.status == Status::Passed) {
        return first;
    }
    attempt()?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{fail, pass};

    use crate::ms;

    fn job(on_runtime: usize) -> Offload<'static> {
        Offload {
            job: "the job".into(),
            function: "`work`",
            calls: 4,
            on_runtime,
            advice: "Offload it.",
        }
    }

    #[test]
    fn cpu_shares_and_their_verdicts() {
        assert!((cpu_share(ms(10), ms(100)) - 0.1).abs() < 1e-9);
        assert_eq!(percent(0.012), "1.2%");
        assert_eq!(percent(0.97), "97%");
        let ok = judge_cpu(&Ok(ms(3)), &Ok(ms(300)), &job(0)).unwrap();
        assert_eq!(ok.status, Status::Passed);
        assert_eq!(ok.figures[0].measured, "1.0%");
        let bad = judge_cpu(&Ok(ms(290)), &Ok(ms(300)), &job(4)).unwrap_err();
        assert!(
            bad.message.starts_with("the runtime's thread did the CPU work"),
            "{}",
            bad.message
        );
        assert!(bad.message.contains("97%") && bad.message.ends_with("Offload it."));
        assert_eq!(bad.details[1], "4 of the 4 calls of `work` ran on the runtime's thread");
        let unreadable = judge_cpu(&Err("no clock".into()), &Ok(ms(300)), &job(0));
        assert_eq!(unreadable.unwrap().status, Status::Inconclusive);
        let tiny = judge_cpu(&Ok(ms(1)), &Ok(ms(2)), &job(0));
        assert_eq!(tiny.unwrap().status, Status::Inconclusive);
    }

    #[test]
    fn cpu_burned_while_every_call_ran_elsewhere_is_busy_waiting() {
        let bad = judge_cpu(&Ok(ms(250)), &Ok(ms(300)), &job(0)).unwrap_err();
        assert!(
            bad.message.contains("none of the 4 calls of `work` ran on it: it was busy waiting"),
            "{}",
            bad.message
        );
        assert!(!bad.message.contains("Offload it."));
    }

    #[test]
    fn one_verdict_of_both_measures() {
        use crate::runtime::Watched;
        let steady: Vec<Duration> = (1..60).map(|i| ms(i * 5)).collect();
        let watched = |cpu: u64| Watched {
            value: (),
            started: Instant::now(),
            elapsed: ms(300),
            runtime_cpu: Ok(ms(cpu)),
            runtime_thread: std::thread::current().id(),
            ticks: steady.clone(),
            tick_cpu: Vec::new(),
            runtime_queued: None,
            tick_queued: Vec::new(),
            control: steady.clone(),
        };
        let passed = judge_offload(&watched(3), &Ok(ms(300)), &job(0)).unwrap();
        assert!(
            passed
                .message
                .starts_with("the runtime's thread used 1.0% of the CPU that the job cost"),
            "{}",
            passed.message
        );
        assert_eq!(passed.figures.len(), 2);
        let failed = judge_offload(&watched(290), &Ok(ms(300)), &job(4)).unwrap_err();
        assert!(failed.message.starts_with("the runtime's thread did the CPU work"));
        assert!(failed.details.iter().any(|d| d.contains("heartbeat")), "{:#?}", failed.details);
    }

    #[test]
    fn calls_know_their_threads() {
        let calls = Calls::new();
        assert_eq!(calls.record(|| 7), 7);
        std::thread::scope(|s| {
            s.spawn(|| calls.record(|| ()));
        });
        assert_eq!(calls.len(), 2);
        assert_eq!(calls.on(std::thread::current().id()), 1);
        assert!(calls.all().iter().all(|c| c.end >= c.start));
    }

    #[test]
    fn a_second_chance_only_for_what_did_not_pass() {
        let mut runs = 0;
        let v = second_chance(|| {
            runs += 1;
            Ok(Ok(pass("fine")))
        });
        assert_eq!((runs, v.unwrap().message.as_str()), (1, "fine"));
        let mut runs = 0;
        let v = second_chance(|| {
            runs += 1;
            Ok(Err(fail(format!("run {runs}"))))
        });
        assert_eq!((runs, v.unwrap_err().message.as_str()), (2, "run 2"));
        let mut runs = 0;
        let v = second_chance(|| {
            runs += 1;
            Err(fail("wrong answer"))
        });
        assert_eq!((runs, v.unwrap_err().message.as_str()), (1, "wrong answer"));
    }
}
