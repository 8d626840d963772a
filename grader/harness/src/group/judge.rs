//! Verdicts on what a group's jobs noted: that a cap was held and no slot
//! stood idle, that nothing of the group outlived the call, that nothing
//! started or ran on after it, that every job ran to its end. Each failure
//! says what the jobs saw, what design that points to, and what to do.

use super::{describe_starts, not_dropped, peak_of, Notes, Watched};
use crate::protocol::human_duration as human;
use crate::service::{jobs, schedule, Design, IdealLimits};
use crate::{ensure, fail, pass, Outcome};
use std::time::Duration;

/// The paused clock is exact to the millisecond: this is rounding, not noise.
pub const SLACK: Duration = Duration::from_millis(2);

/// Holds the jobs of `notes` (job `i` took `latencies[i]`, all there at the
/// start; the call returned at `at`) to at most `limit` running at once,
/// each started the moment a work-conserving scheduler in list order would
/// start it. The figures for a pass.
///
/// # Errors
/// Too many at once, or a job started later than a slot was free for it
/// (naming the wasteful design whose time the call matches, if one does).
pub fn cap_kept(
    notes: &[Notes],
    latencies: &[Duration],
    limit: usize,
    at: Duration,
) -> Result<Outcome, Outcome> {
    let peak = peak_of(notes);
    let figures = |o: Outcome| {
        o.figure("jobs running at once (the jobs' count)", peak, format!("≤ {limit}"))
            .detail(format!("starts: {}", describe_starts(notes)))
    };
    ensure(peak <= limit, || {
        figures(fail(format!(
            "{peak} jobs ran at once, but the limit is {limit}: start only {limit} at first, and the next job \
             only when a running one finishes"
        )))
    })?;
    let starts = schedule(&jobs(latencies), IdealLimits::concurrency(limit));
    let end = starts.iter().zip(latencies).map(|(&s, &l)| s + l).max().unwrap_or_default();
    for (i, (n, &want)) in notes.iter().zip(&starts).enumerate() {
        ensure(n.started.unwrap_or(Duration::MAX).abs_diff(want) <= SLACK, || {
            figures(fail(format!(
                "job {i} started at {}, but a slot was free for it at {}: jobs start in the order of the list, \
                 and the next one the moment any running job finishes, not when a whole batch is done. \
                 The call took {} where {} was enough.{}",
                n.started.map_or("never".into(), human),
                human(want),
                human(at),
                human(end),
                Design::name_in(&Design::ALL, at, latencies, limit, 0.02)
            )))
        })?;
    }
    Ok(figures(pass(format!(
        "at most {limit} at once, each job started as a slot freed; done at {}",
        human(at)
    ))))
}

/// Holds a watched call to "when it returned, every job's future had been
/// dropped": finished, cancelled or never started, nothing left alive.
///
/// # Errors
/// A job still alive at the return, told by what became of it after.
pub fn nothing_left<R>(run: &Watched<R>) -> Result<(), Outcome> {
    let alive = not_dropped(&run.at_return);
    let Some(&i) = alive.first() else { return Ok(()) };
    let (then, later) = (run.at_return[i], run.later[i]);
    let fate = if later.ended.is_some() {
        "and it went on to finish afterwards: nothing aborted it (a dropped `JoinHandle` or a `tokio::spawn` \
         left behind detaches a task, it does not stop it)"
            .to_string()
    } else if let Some(d) = later.dropped {
        format!(
            "and was dropped only at {} by the runtime: it was aborted but not awaited. An aborted task is \
             dropped when the runtime next polls it, after your call has returned; wait for the ends \
             (`JoinSet::shutdown().await`, or `join_next` until `None`)",
            human(d)
        )
    } else {
        "and was never dropped at all (held by a task nothing ends?)".to_string()
    };
    let what = if then.started.is_some() { "running" } else { "not started" };
    Err(fail(format!(
        "the call returned at {}, but the future of job {i} ({what} then) was still alive, {fate}. When the group \
         returns, nothing of it may be left: cancel every sibling and make sure it is gone before returning",
        human(run.at)
    ))
    .figure("jobs alive when the call returned", alive.len(), "== 0"))
}

/// Holds a watched call to "after it returned, no job started or ended".
///
/// # Errors
/// The jobs that started or finished after the return, and when.
pub fn still_after<R>(run: &Watched<R>) -> Result<(), Outcome> {
    let late = |t: Option<Duration>| t.filter(|&t| t > run.at);
    let moved: Vec<String> = (run.later.iter().enumerate())
        .filter_map(|(i, n)| {
            late(n.started)
                .map(|s| format!("job {i} started at {}", human(s)))
                .or_else(|| late(n.ended).map(|e| format!("job {i} finished at {}", human(e))))
        })
        .collect();
    ensure(moved.is_empty(), || {
        fail(format!(
            "the call returned at {}, and afterwards {}: once the call is over no job may start and none may go \
             on running. A job still queued (behind a semaphore, in a spawned task) must be dropped, and a \
             spawned task aborted",
            human(run.at),
            moved.join(", ")
        ))
        .figure("starts and ends after the return", moved.len(), "== 0")
    })
}

/// Holds the jobs of `notes` to "all started at once and each ran to its
/// end", and the call (which returned at `at`) to ending with the slowest.
///
/// # Errors
/// A job cut short, or one started late (the jobs run one after another).
pub fn all_ran(notes: &[Notes], slowest: Duration, at: Duration) -> Result<(), Outcome> {
    let cut: Vec<usize> = (0..notes.len()).filter(|&i| notes[i].ended.is_none()).collect();
    ensure(cut.is_empty(), || {
        fail(format!(
            "jobs {cut:?} never finished: every job must run to its end, an error stops nothing"
        ))
    })?;
    let late: Vec<usize> =
        (0..notes.len()).filter(|&i| notes[i].started != Some(Duration::ZERO)).collect();
    ensure(late.is_empty() && at <= slowest + SLACK, || {
        fail(format!(
            "the call took {} for jobs whose slowest takes {} (jobs {late:?} did not start at 0): poll them all \
             together, not one after another",
            human(at),
            human(slowest)
        ))
        .detail(format!("starts: {}", describe_starts(notes)))
    })
}
