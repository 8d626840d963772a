//! The hidden checks of ex22 · Structured concurrency.
//!
//! Everything runs on tokio's paused clock (`run_paused`): times are exact
//! and cost no real time. The jobs are the check's own
//! (`kata_harness::group`): each notes its start (first poll), its end and
//! the drop of its future, so starts, ends, drops and the number running at
//! once are what the jobs saw. `collect_until` reads a channel the check
//! fills at times of its own and drains afterwards (deadline.rs).

mod deadline;

use kata_harness::group::{Group, Notes};
use kata_harness::panicking::{deliberate_panic, panics};
use kata_harness::protocol::human_duration as human;
use kata_harness::service::{jobs as ideal_jobs, run_paused, schedule, Design, IdealLimits};
use kata_harness::{ensure, fail, ms, pass, Outcome, Verdict};
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(all_or_first_error, settle_all, collect_until, Job);

/// Real time a paused-clock run may take: milliseconds for a right answer.
const REAL_LIMIT: Duration = Duration::from_secs(3);
/// Virtual time the check waits after the call returns, watching the jobs.
const AFTER: Duration = Duration::from_secs(10);
/// The paused clock is exact to the millisecond; this is rounding, not noise.
const SLACK: Duration = Duration::from_millis(2);

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "order-and-limit" => order_and_limit,
            "10 uneven jobs, limit 3: values in order, at most 3 running, each started the moment a slot freed";
        "first-error-in-time" => first_error_in_time,
            "the call returns the error that happened first in time, at that instant";
        "siblings-dropped" => siblings_dropped,
            "when the call returns on an error, every job's future has been dropped";
        "no-starts-after-error" => no_starts_after_error,
            "after the error, in 10 s more of virtual time, no job starts or finishes";
        "edges" => edges,
            "no jobs: Ok([]) at once; limit 0 panics before any start; a limit above the count; a job's panic is passed on";
        "settle-all" => settle_all_runs_everything,
            "settle_all: every job at once, each run to its end, every Ok and Err in its place";
        "deadline-exact" => deadline::deadline_exact,
            "collect_until returns at the deadline, at the close of the channel, or at once for a past deadline";
        "nothing-lost" => deadline::nothing_lost,
            "every message sent before the deadline is returned, every one sent after is left in the channel";
    })
}

/// A job's error: which job failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boom(usize);

/// The value job `i` gives.
fn value(i: usize) -> usize {
    100 + i
}

/// How job `i` ends, after its latency.
#[derive(Clone, Copy)]
enum End {
    Gives,
    Fails,
    Panics,
}

/// Jobs of `group`: job `i` waits `specs[i].0` ms, then ends as `specs[i].1`.
fn make(group: &Group, specs: &[(u64, End)]) -> Vec<Job<usize, Boom>> {
    let job = |(i, &(latency, end)): (usize, &(u64, End))| -> Job<usize, Boom> {
        Box::pin(group.job(ms(latency), move || match end {
            End::Gives => Ok(value(i)),
            End::Fails => Err(Boom(i)),
            End::Panics => deliberate_panic(),
        }))
    };
    specs.iter().enumerate().map(job).collect()
}

/// One call of `all_or_first_error`: what it returned, when, the jobs'
/// notes at that instant and [`AFTER`] later.
struct Grouped {
    result: Result<Vec<usize>, Boom>,
    at: Duration,
    at_return: Vec<Notes>,
    later: Vec<Notes>,
}

fn grouped(what: &str, specs: &[(u64, End)], limit: usize) -> Result<Grouped, Outcome> {
    let specs = specs.to_vec();
    let run = run_paused(REAL_LIMIT, what, move || async move {
        let group = Group::new();
        let result = all_or_first_error(make(&group, &specs), limit).await;
        let (at, at_return) = (group.now(), group.all());
        tokio::time::sleep(AFTER).await;
        Grouped { result, at, at_return, later: group.all() }
    })?;
    Ok(run.value)
}

fn ok(latencies: &[u64]) -> Vec<(u64, End)> {
    latencies.iter().map(|&l| (l, End::Gives)).collect()
}

/// When each job starts and the call ends under a work-conserving schedule.
fn ideal(specs: &[(u64, End)], limit: usize) -> (Vec<Duration>, Vec<Duration>) {
    let latencies: Vec<Duration> = specs.iter().map(|&(l, _)| ms(l)).collect();
    (schedule(&ideal_jobs(&latencies), IdealLimits::concurrency(limit)), latencies)
}

fn starts(notes: &[Notes]) -> String {
    let at = |n: &Notes| n.started.map_or("never started".into(), |s| format!("at {}", human(s)));
    notes
        .iter()
        .enumerate()
        .map(|(i, n)| format!("job {i} {}", at(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn order_and_limit() -> Verdict {
    // A slow first job among fast ones: batches of 3 and an ordered window
    // of 3 leave slots idle behind it.
    let (specs, limit) = (ok(&[500, 100, 300, 100, 200, 100, 400, 100, 100, 200]), 3);
    let run = grouped("all_or_first_error of 10 jobs, limit 3", &specs, limit)?;
    let want: Vec<usize> = (0..specs.len()).map(value).collect();
    ensure(run.result.as_ref() == Ok(&want), || {
        fail(format!(
            "10 jobs that all succeed gave {:?}, but the values in the order of the jobs are {want:?}: \
             jobs finish in any order, so keep each job's index with it and put its value in that slot",
            run.result
        ))
    })?;
    let (ideal_starts, latencies) = ideal(&specs, limit);
    let peak = kata_harness::group::peak_of(&run.later);
    let figures = |o: Outcome| {
        o.figure("jobs running at once (the jobs' count)", peak, format!("≤ {limit}"))
            .detail(format!("starts: {}", starts(&run.later)))
    };
    ensure(peak <= limit, || {
        figures(fail(format!(
            "{peak} jobs ran at once, but the limit is {limit}: start only {limit} at first, and the next job \
             only when a running one finishes"
        )))
    })?;
    let end = ideal_starts.iter().zip(&latencies).map(|(&s, &l)| s + l).max().unwrap_or_default();
    for (i, (n, &want)) in run.later.iter().zip(&ideal_starts).enumerate() {
        let got = n.started.unwrap_or(Duration::MAX);
        ensure(got.abs_diff(want) <= SLACK, || {
            figures(fail(format!(
                "job {i} started at {}, but a slot was free for it at {}: jobs start in the order of the list, \
                 and the next one the moment any running job finishes, not when a whole batch is done. \
                 The call took {} where {} was enough.{}",
                n.started.map_or("never".into(), human),
                human(want),
                human(run.at),
                human(end),
                Design::name_in(&Design::ALL, run.at, &latencies, limit, 0.02)
            )))
        })?;
    }
    // More slots than jobs: all at once.
    let few = grouped("all_or_first_error of 4 jobs, limit 10", &ok(&[300, 100, 200, 100]), 10)?;
    ensure(few.result == Ok((0..4).map(value).collect()) && few.at <= ms(300) + SLACK, || {
        fail(format!(
            "4 jobs of 100 ms to 300 ms with limit 10 gave {:?} after {}: with more slots than jobs, all \
             start at once and the call ends with the slowest, at 300 ms",
            few.result,
            human(few.at)
        ))
    })?;
    Ok(figures(pass(format!(
        "values in order; at most {limit} at once, each job started as a slot freed; done at {} (batches of 3: {})",
        human(run.at),
        human(Design::Batches.time(&latencies, limit))
    ))))
}

/// Jobs 1 and 5 fail; job 5, far down the list, fails first in time.
/// With limit 3: job 5 starts at 300 ms and fails at 350 ms, while jobs 1
/// and 4 run; jobs 6 and 7 have not started. Job 1 would fail at 400 ms.
fn failing() -> Result<Grouped, Outcome> {
    use End::{Fails, Gives};
    let specs = [
        (300, Gives),
        (400, Fails),
        (150, Gives),
        (100, Gives),
        (200, Gives),
        (50, Fails),
        (500, Gives),
        (100, Gives),
    ];
    grouped("all_or_first_error of 8 jobs, two failing, limit 3", &specs, 3)
}

const FIRST_AT: Duration = Duration::from_millis(350);

fn first_error_in_time() -> Verdict {
    let run = failing()?;
    let figure = |o: Outcome| {
        o.figure("returned at (virtual)", human(run.at), "350 ms")
            .detail(format!("starts: {}", starts(&run.later)))
    };
    let why = match run.result {
        Err(Boom(5)) => None,
        Err(Boom(1)) => Some(
            "Err(Boom(1)): job 1 is listed first, but job 5 failed first, at 350 ms, and job 1 only at 400 ms. \
             Take the outcomes in the order the jobs finish (`JoinSet::join_next`, `FuturesUnordered`), not \
             in the order of the list"
                .to_string(),
        ),
        ref other => Some(format!("{other:?}: two of the jobs fail, so the call must return an Err")),
    };
    if let Some(why) = why {
        return Err(figure(fail(format!(
            "jobs 1 and 5 fail (job 5 first, at 350 ms), and the call returned {why}"
        ))));
    }
    ensure(run.at.abs_diff(FIRST_AT) <= SLACK, || {
        figure(fail(format!(
            "the call returned Err(Boom(5)), the right error, but at {} of virtual time: job 5 failed at 350 ms, \
             and that is when the group is over. Waiting for the others first (`join_all`, then looking for \
             an error; a batch joined whole) makes the caller wait for work whose result is thrown away",
            human(run.at)
        )))
    })?;
    Ok(figure(pass("Err(Boom(5)) at 350 ms, the first error in time (job 1, listed first, would fail at 400 ms)")))
}

fn siblings_dropped() -> Verdict {
    let run = failing()?;
    let alive: Vec<usize> =
        (0..run.at_return.len()).filter(|&i| run.at_return[i].dropped.is_none()).collect();
    let Some(&i) = alive.first() else {
        return Ok(pass("at the instant the call returned, all 8 jobs' futures were dropped: finished, cancelled or never started"));
    };
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

fn no_starts_after_error() -> Verdict {
    let run = failing()?;
    let moved: Vec<String> = (0..run.later.len())
        .filter_map(|i| {
            let n = run.later[i];
            let late = |t: Option<Duration>| t.filter(|&t| t > run.at);
            late(n.started)
                .map(|s| format!("job {i} started at {}", human(s)))
                .or_else(|| late(n.ended).map(|e| format!("job {i} finished at {}", human(e))))
        })
        .collect();
    ensure(moved.is_empty(), || {
        fail(format!(
            "the call returned at {}, and afterwards {}: after the first error no job may start and none may go \
             on running. A job still queued (behind a semaphore, in a spawned task) must be dropped, and a \
             spawned task aborted",
            human(run.at),
            moved.join(", ")
        ))
        .figure("starts and ends after the return", moved.len(), "== 0")
    })?;
    Ok(pass(format!("in the {} after the error, no job started and none finished", human(AFTER))))
}

fn edges() -> Verdict {
    let empty = grouped("all_or_first_error of no jobs", &[], 2)?;
    ensure(empty.result == Ok(vec![]) && empty.at == Duration::ZERO, || {
        fail(format!(
            "no jobs gave {:?} after {}: expected Ok([]) at once",
            empty.result,
            human(empty.at)
        ))
    })?;
    let zero = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = std::sync::Arc::clone(&zero);
    let panicked = panics(move || {
        run_paused(REAL_LIMIT, "all_or_first_error with limit 0", move || async move {
            let group = Group::new();
            *seen.lock().unwrap() = Some(group.clone());
            all_or_first_error(make(&group, &ok(&[100, 100])), 0).await
        })
    });
    let started = zero.lock().unwrap().as_ref().map_or(0, Group::started);
    ensure(panicked && started == 0, || {
        fail(format!(
            "with limit 0 the call {} and {started} jobs started: a limit of 0 could never run anything, so \
             the contract says to panic (`assert!(limit > 0, ...)`) before any job starts",
            if panicked { "panicked" } else { "did not panic" }
        ))
    })?;
    let panicking = [(100, End::Gives), (200, End::Panics), (300, End::Gives)];
    let passed_on =
        panics(move || grouped("all_or_first_error with a job that panics", &panicking, 3));
    ensure(passed_on, || {
        fail(
            "job 1 panicked, but the call did not: a panic is a bug, not an error, and the contract says to \
             pass it on (with a `JoinSet`, `join_next` gives an `Err(JoinError)` whose `into_panic()` goes to \
             `std::panic::resume_unwind`)",
        )
    })?;
    Ok(pass(
        "no jobs: Ok([]) at once; limit 0 panicked before any start; a job's panic was passed on",
    ))
}

fn settle_all_runs_everything() -> Verdict {
    use End::{Fails, Gives};
    let specs =
        [(300, Gives), (100, Fails), (500, Gives), (200, Fails), (100, Gives), (400, Gives)];
    let run = run_paused(REAL_LIMIT, "settle_all of 6 jobs, two failing", move || async move {
        let group = Group::new();
        let results = settle_all(make(&group, &specs)).await;
        let at = group.now();
        let empty = settle_all::<usize, Boom>(Vec::new()).await.len();
        (results, at, group.all(), empty)
    })?;
    let (results, at, notes, empty) = run.value;
    let want: Vec<Result<usize, Boom>> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| if matches!(s.1, Fails) { Err(Boom(i)) } else { Ok(value(i)) })
        .collect();
    ensure(results == want, || {
        fail(format!(
            "settle_all gave {results:?}, but every job's outcome in its place is {want:?}: an error is one \
             more result here, it stops nothing and stays in its job's slot (`join_all` keeps the order)"
        ))
    })?;
    let cut: Vec<usize> = (0..notes.len()).filter(|&i| notes[i].ended.is_none()).collect();
    ensure(cut.is_empty(), || {
        fail(format!("jobs {cut:?} never finished: settle_all runs every job to its end"))
    })?;
    let late: Vec<usize> =
        (0..notes.len()).filter(|&i| notes[i].started != Some(Duration::ZERO)).collect();
    ensure(late.is_empty() && at <= ms(500) + SLACK, || {
        fail(format!(
            "settle_all took {} for jobs whose slowest takes 500 ms (jobs {late:?} did not start at 0): poll them \
             all together, not one after another",
            human(at)
        ))
        .detail(format!("starts: {}", starts(&notes)))
    })?;
    ensure(empty == 0, || {
        fail(format!("settle_all of no jobs gave {empty} results: expected none"))
    })?;
    Ok(pass("all 6 jobs ran at once to their ends; Err(Boom(1)) and Err(Boom(3)) in their places; done at 500 ms"))
}
