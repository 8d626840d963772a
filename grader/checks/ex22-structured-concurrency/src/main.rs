//! The hidden checks of ex22 · Structured concurrency.
//!
//! Everything runs on tokio's paused clock: times are exact and cost no real
//! time. The jobs are the check's own (`kata_harness::group`): each notes
//! its start (first poll), its end and the drop of its future, so starts,
//! ends, drops and the number running at once are what the jobs saw, and
//! the group's judges hold them to the contract. `collect_until` reads a
//! channel the check fills at times of its own (deadline.rs).

mod deadline;

use kata_harness::group::{all_ran, cap_kept, nothing_left, still_after, watched, Group, Watched};
use kata_harness::group::{describe_starts as starts, SLACK};
use kata_harness::panicking::{deliberate_panic, edge, panics};
use kata_harness::protocol::human_duration as human;
use kata_harness::service::run_paused;
use kata_harness::{ensure, fail, ms, pass, Outcome, Verdict};
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(all_or_first_error, settle_all, collect_until, Job);

/// Real time a paused-clock run may take (a right answer takes milliseconds).
const REAL_LIMIT: Duration = Duration::from_secs(3);
/// Virtual time the check watches the jobs after the call returns.
const AFTER: Duration = Duration::from_secs(10);

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

/// How a job ends, after its latency.
#[derive(Clone, Copy)]
enum End {
    Gives,
    Fails,
    Panics,
}
use End::{Fails, Gives};

/// Jobs of `group`: job `i` waits `specs[i].0` ms, then ends as `specs[i].1`.
fn make(group: &Group, specs: &[(u64, End)]) -> Vec<Job<usize, Boom>> {
    let job = |(i, &(latency, end)): (usize, &(u64, End))| -> Job<usize, Boom> {
        Box::pin(group.job(ms(latency), move || match end {
            Gives => Ok(value(i)),
            Fails => Err(Boom(i)),
            End::Panics => deliberate_panic(),
        }))
    };
    specs.iter().enumerate().map(job).collect()
}

type Grouped = Watched<Result<Vec<usize>, Boom>>;

/// One call of `all_or_first_error`, watched for [`AFTER`] once it returns.
fn grouped(what: &str, specs: &[(u64, End)], limit: usize) -> Result<Grouped, Outcome> {
    let specs = specs.to_vec();
    watched(REAL_LIMIT, what, AFTER, move |group| async move {
        all_or_first_error(make(&group, &specs), limit).await
    })
}

fn ok(latencies: &[u64]) -> Vec<(u64, End)> {
    latencies.iter().map(|&l| (l, Gives)).collect()
}

fn order_and_limit() -> Verdict {
    // A slow first job among fast ones: batches of 3 (1.3 s) and an ordered
    // window of 3 leave slots idle behind it; a free slot is done at 800 ms.
    let latencies = [500, 100, 300, 100, 200, 100, 400, 100, 100, 200];
    let run = grouped("all_or_first_error of 10 jobs, limit 3", &ok(&latencies), 3)?;
    let want: Vec<usize> = (0..latencies.len()).map(value).collect();
    ensure(run.value.as_ref() == Ok(&want), || {
        fail(format!(
            "10 jobs that all succeed gave {:?}, but the values in the order of the jobs are {want:?}: \
             jobs finish in any order, so keep each job's index with it and put its value in that slot",
            run.value
        ))
    })?;
    let passed = cap_kept(&run.later, &latencies.map(ms), 3, run.at)?;
    let few = grouped("all_or_first_error of 4 jobs, limit 10", &ok(&[300, 100, 200, 100]), 10)?;
    ensure(few.value == Ok((0..4).map(value).collect()) && few.at <= ms(300) + SLACK, || {
        fail(format!(
            "4 jobs of 100 ms to 300 ms with limit 10 gave {:?} after {}: with more slots than jobs, all \
             start at once and the call ends with the slowest, at 300 ms",
            few.value,
            human(few.at)
        ))
    })?;
    Ok(passed.detail("values in the order of the jobs; with limit 10, 4 jobs all at once"))
}

/// Jobs 1 and 5 fail. With limit 3, job 5 fails first, at 350 ms, while 1
/// and 4 run and 6 and 7 wait; job 1 would fail at 400 ms.
fn failing() -> Result<Grouped, Outcome> {
    let specs = [300, 400, 150, 100, 200, 50, 500, 100].map(|l| (l, Gives));
    let mut specs = specs.to_vec();
    (specs[1].1, specs[5].1) = (Fails, Fails);
    grouped("all_or_first_error of 8 jobs, two failing, limit 3", &specs, 3)
}

fn first_error_in_time() -> Verdict {
    let run = failing()?;
    let figure = |o: Outcome| {
        o.figure("returned at (virtual)", human(run.at), "350 ms")
            .detail(format!("starts: {}", starts(&run.later)))
    };
    let why = match run.value {
        Err(Boom(5)) => None,
        Err(Boom(1)) => Some(
            "Err(Boom(1)): job 1 is listed first, but job 5 failed first, at 350 ms, and job 1 only at 400 \
             ms. Take the outcomes in the order the jobs finish (`JoinSet::join_next`, `FuturesUnordered`), \
             not in the order of the list"
                .to_string(),
        ),
        ref other => Some(format!("{other:?}: two of the jobs fail, so the call must return an Err")),
    };
    if let Some(why) = why {
        let said =
            format!("jobs 1 and 5 fail (job 5 first, at 350 ms), and the call returned {why}");
        return Err(figure(fail(said)));
    }
    ensure(run.at.abs_diff(ms(350)) <= SLACK, || {
        figure(fail(format!(
            "the call returned Err(Boom(5)), the right error, but at {} of virtual time: job 5 failed at 350 \
             ms, and that is when the group is over. Waiting for the others first (`join_all`, then looking \
             for an error; a batch joined whole) makes the caller wait for work whose result is thrown away",
            human(run.at)
        )))
    })?;
    Ok(figure(pass(
        "Err(Boom(5)) at 350 ms, the first error in time (job 1, listed first, fails at 400 ms)",
    )))
}

fn siblings_dropped() -> Verdict {
    nothing_left(&failing()?)?;
    Ok(pass("when the call returned, all 8 jobs' futures were dropped: finished, cancelled or never started"))
}

fn no_starts_after_error() -> Verdict {
    still_after(&failing()?)?;
    Ok(pass(format!("in the {} after the error, no job started and none finished", human(AFTER))))
}

fn edges() -> Verdict {
    let (call, why) = ("all_or_first_error(no jobs, 2)", "no jobs is Ok([]) whatever the limit");
    let empty = edge(call, why, || grouped("all_or_first_error of no jobs", &[], 2))??;
    ensure(empty.value == Ok(vec![]) && empty.at == Duration::ZERO, || {
        fail(format!(
            "no jobs gave {:?} after {}: expected Ok([]) at once",
            empty.value,
            human(empty.at)
        ))
    })?;
    let group = Group::new();
    let theirs = group.clone();
    let panicked = panics(move || {
        run_paused(REAL_LIMIT, "all_or_first_error with limit 0", move || {
            all_or_first_error(make(&theirs, &ok(&[100, 100])), 0)
        })
    });
    let started = group.started();
    ensure(panicked && started == 0, || {
        fail(format!(
            "with limit 0 the call {} and {started} jobs started: a limit of 0 could never run anything, so \
             the contract says to panic (`assert!(limit > 0, ...)`) before any job starts",
            if panicked { "panicked" } else { "did not panic" }
        ))
    })?;
    let panicking = [(100, Gives), (200, End::Panics), (300, Gives)];
    ensure(
        panics(move || grouped("all_or_first_error with a job that panics", &panicking, 3)),
        || {
            fail(
            "job 1 panicked, but the call did not: a panic is a bug, not an error, and the contract says to \
             pass it on (with a `JoinSet`, `join_next` gives an `Err(JoinError)` whose `into_panic()` goes to \
             `std::panic::resume_unwind`)",
        )
        },
    )?;
    Ok(pass(
        "no jobs: Ok([]) at once; limit 0 panicked before any start; a job's panic was passed on",
    ))
}

fn settle_all_runs_everything() -> Verdict {
    let specs =
        [(300, Gives), (100, Fails), (500, Gives), (200, Fails), (100, Gives), (400, Gives)];
    let run =
        watched(REAL_LIMIT, "settle_all of 6 jobs, two failing", AFTER, move |group| async move {
            let results = settle_all(make(&group, &specs)).await;
            (results, settle_all::<usize, Boom>(Vec::new()).await.len())
        })?;
    let ((results, empty), notes) = (run.value, &run.at_return);
    let want = vec![Ok(100), Err(Boom(1)), Ok(102), Err(Boom(3)), Ok(104), Ok(105)];
    ensure(results == want, || {
        fail(format!(
            "settle_all gave {results:?}, but every job's outcome in its place is {want:?}: an error is one \
             more result here, it stops nothing and stays in its job's slot (`join_all` keeps the order)"
        ))
    })?;
    all_ran(notes, ms(500), run.at)?;
    ensure(empty == 0, || {
        fail(format!("settle_all of no jobs gave {empty} results: expected none"))
    })?;
    Ok(pass("all 6 jobs ran at once to their ends; Err(Boom(1)) and Err(Boom(3)) in their places; done at 500 ms"))
}
