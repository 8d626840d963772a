//! The hidden checks of ex28 · Hybrid pipeline.
//!
//! Every check starts a `kata_fakes::FakeServer` (a real HTTP server on
//! 127.0.0.1, in this process, on threads of its own) that serves the
//! records and counts, from its own side, requests per path and the peak in
//! flight. `run_pipeline` runs on a `current_thread` runtime whose thread's
//! CPU time and heartbeat are measured (`kata_harness::runtime`), with stages
//! the checks instrument (`stages.rs`): records count themselves in memory,
//! `process` counts calls at once and notes its thread, storage logs what
//! it wrote and when. Nothing the code under test reports is trusted.
//!
//! Time is judged once, against the larger of two yardsticks: the ideal
//! fetch time from the latency the server injects, and the CPU work alone
//! on `cpu_workers` plain threads, measured in the same run. Everything
//! else is counted. The CPU pool's size is one more than the machine's
//! cores (at least 3), so that rayon's global pool (one thread per core) is
//! never the right size by chance.

mod run;
mod stages;

use kata_fakes::{Behavior, Script};
use kata_harness::calibrate::{cpu_of, crunch, on_threads};
use kata_harness::judge::Judgement;
use kata_harness::ms;
use kata_harness::protocol::human_duration;
use kata_harness::runtime::{judge_offload, second_chance, Offload};
use kata_harness::{fail, pass, picture, Outcome, Verdict};
use run::{all_written_in_order, limits, run, run_in_order, setup, Ran};
use stages::{body_of, calibrate, path_of};
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

kata_harness::exercise!(run_pipeline, Limits, PipelineError);

/// What to do, said at the end of every failure about blocking.
const ADVICE: &str = "Run `process` on your CPU pool and await its result: a rayon pool of \
    `cpu_workers` threads with a `tokio::sync::oneshot` per record, or \
    `tokio::task::spawn_blocking` under a bound (`loop.run_in_executor` in Python). The runtime's \
    thread should only move records from stage to stage.";

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "records-in-order" => records_in_order,
            "10 records, later ones fetched and processed sooner: each written once, in index order";
        "fetch-error" => fetch_error,
            "record 5 of 10 answers 500: run_pipeline returns Err(Fetch { index: 5, .. }) and does not hang";
        "fetch-bound" => fetch_bound,
            "20 records, fetch_concurrency 5: the server sees exactly 5 requests in flight at its peak";
        "cpu-pool-bound" => cpu_pool_bound,
            "12 records of 25 ms of CPU, cpu_workers 3: exactly 3 calls of process at once at the peak";
        "runtime-not-blocked" => runtime_not_blocked,
            "12 records of 6 ms of CPU: the runtime's thread uses ≤ 20% of the processing's CPU, and its heartbeat never waits 50 ms";
        "bounded-memory" => bounded_memory,
            "1,000 records, storage stalling 100 ms once: at most F + P + 2 × buffer + 4 records in memory; stages overlap";
        "near-ideal-time" => near_ideal_time,
            "10 records of 100 ms, 5 at a time: within 1.5 × max(ideal fetch time, CPU work alone on the pool) + 100 ms";
    })
}

fn records_in_order() -> Verdict {
    let count = 10;
    // Later records answer sooner (44 ms down to 8 ms), and record 0 costs
    // the most CPU: in finishing order, record 0 would come last.
    let script = (0..count).fold(Script::new(), |script, i| {
        let latency = ms((count - i) as u64 * 4 + 4);
        script.route(&path_of(i), Behavior::ok().latency(latency))
    });
    let light = calibrate(ms(1));
    let mut scenario = setup("run_pipeline of 10 records", count, script, limits(4, 3, 2), light);
    scenario.rounds = vec![light * 8, light];
    let ran = run(scenario)?;
    let mut j = Judgement::new();
    j.details(ran.timeline().lines("10 records: the three stages over time"));
    all_written_in_order(&ran, count).map_err(|o| j.onto(o))?;
    let elapsed = human_duration(ran.watched.elapsed);
    Ok(j.pass(format!("10 records written once each, in index order, in {elapsed}")))
}

fn fetch_error() -> Verdict {
    let script = Script::new().latency(ms(5)).route(&path_of(5), Behavior::status(500));
    let what = "run_pipeline of 10 records, record 5 answering 500";
    let mut scenario = setup(what, 10, script, limits(3, 2, 2), calibrate(ms(1) / 5));
    scenario.limit = Duration::from_secs(5);
    let ran = run(scenario)?;
    #[allow(unreachable_patterns)]
    match &ran.watched.value {
        Err(PipelineError::Fetch { index: 5, reason }) => Ok(pass(format!(
            "Err(Fetch {{ index: 5, .. }}) after {}: \"{reason}\"",
            human_duration(ran.watched.elapsed)
        ))),
        Err(PipelineError::Fetch { index, reason }) => Err(fail(format!(
            "run_pipeline returned Err(Fetch {{ index: {index}, .. }}) (\"{reason}\"), but record {index} \
             answers 200; record 5 is the one answering 500: keep the index with each fetch"
        ))),
        Err(other) => Err(fail(format!(
            "run_pipeline returned Err({other:?}), but record 5 answering 500 is Err(Fetch {{ index: 5, .. }})"
        ))),
        Ok(()) => Err(fail(
            "record 5 answered 500, but run_pipeline returned Ok(()): an error status is not a record. \
             reqwest hands a 500 back as an ordinary response unless asked (`error_for_status()`); \
             stop the run with Err(PipelineError::Fetch { index: 5, .. })",
        )),
    }
}

fn fetch_bound() -> Verdict {
    let (count, latency, limits) = (20, ms(12), limits(5, 2, 3));
    let f = limits.fetch_concurrency;
    let script = Script::new().latency(latency);
    let rounds = calibrate(ms(1) / 5);
    let ran = run_in_order(setup("run_pipeline of 20 records", count, script, limits, rounds))?;
    let peak = ran.stats.peak_in_flight;
    let spans: Vec<(Duration, Duration)> = ran.events.iter().map(|e| (e.start, e.end)).collect();
    let mut j = Judgement::new();
    let title = "requests in flight, counted by the server";
    j.peak("peak requests in flight (server's side)", peak, f, title, &spans);
    j.ensure(peak <= f, || {
        format!(
            "the server saw {peak} requests in flight at once, but fetch_concurrency is {f}: a future \
             or task per record, all started at once, is no bound. Start at most {f} \
             (`stream::iter(0..count).map(fetch).buffered({f})`, or a `Semaphore` of {f} permits)"
        )
    })?;
    j.ensure(peak == f, || {
        format!(
            "the server saw only {peak} request(s) in flight at once, though {f} were allowed: the \
             fetches took turns. With {} of latency each, {count} records {f} at a time take {}, one \
             at a time {}",
            human_duration(latency),
            human_duration(latency * (count as u32).div_ceil(f as u32)),
            human_duration(latency * count as u32)
        )
    })?;
    Ok(j.pass(format!("exactly {f} requests in flight at the peak")))
}

fn cpu_pool_bound() -> Verdict {
    let p = (kata_harness::cpu::cores() + 1).max(3);
    let count = 4 * p;
    let what = "run_pipeline of 4 records per CPU worker";
    // Every record answers at once and costs 25 ms of CPU, many times what
    // a fetch takes even on a busy machine: records wait for the pool from
    // the start, so a CPU stage without a bound has more than p calls at
    // once on every run, and a bounded one reaches p. The buffers hold 2p
    // records: with 2, a stage that starts a job for every record waiting
    // (and no more) found only 2 or 3 waiting on a loaded machine.
    let script = Script::new();
    let limits = limits(2 * p, p, 2 * p);
    let ran = run_in_order(setup(what, count, script, limits, calibrate(ms(25))))?;
    let peak = ran.pipeline.cpu.peak();
    let spans = ran.timeline().spans("process").to_vec();
    let mut j = Judgement::new();
    let title = "calls of process at once, counted by process itself";
    j.peak("process calls at once", peak, p, title, &spans);
    j.ensure(peak <= p, || {
        format!(
            "{peak} calls of `process` ran at once, but cpu_workers is {p}: the CPU stage must use a \
             pool of exactly {p} threads (`rayon::ThreadPoolBuilder::new().num_threads(cpu_workers)`), \
             or bound `spawn_blocking` yourself (a `Semaphore` of {p} permits, or `buffered({p})` over \
             the jobs): tokio's blocking pool grows to 512 threads"
        )
    })?;
    j.ensure(peak == p, || {
        format!(
            "only {peak} call(s) of `process` ran at once, though {p} were allowed and records were \
             waiting: keep {p} jobs going, starting the next as soon as one ends. (rayon's global pool \
             has one thread per core, {} here, not cpu_workers; build a pool of your own)",
            kata_harness::cpu::cores()
        )
    })?;
    Ok(j.pass(format!("exactly {p} calls of process at once at the peak")))
}

fn runtime_not_blocked() -> Verdict {
    let count = 12;
    let rounds = calibrate(ms(6));
    // The same-run baseline: the same CPU work, one record after another,
    // on a plain thread of this process.
    let baseline = cpu_of(|| {
        for i in 0..count {
            black_box(crunch(body_of(i).as_bytes(), rounds));
        }
    })
    .map(|((), cpu)| cpu);
    second_chance(|| {
        let (what, script) = ("run_pipeline of 12 records", Script::new().latency(ms(2)));
        let ran = run_in_order(setup(what, count, script, limits(6, 3, 4), rounds))?;
        let job = Offload {
            job: format!("processing the {count} records"),
            function: "`process`",
            calls: ran.pipeline.jobs.len(),
            on_runtime: ran.pipeline.jobs.on(ran.watched.runtime_thread),
            advice: ADVICE,
        };
        Ok(judge_offload(&ran.watched, &baseline, &job))
    })
}

fn bounded_memory() -> Verdict {
    let (count, limits) = (1000, limits(8, 3, 4));
    let bound = limits.fetch_concurrency + limits.cpu_workers + 2 * limits.buffer + 4;
    let (stall_at, stall) = (100, ms(100));
    let script = Script::new().latency(ms(1));
    let rounds = calibrate(ms(1) / 10);
    let mut scenario = setup("run_pipeline of 1,000 records", count, script, limits, rounds);
    scenario.stall = Some((stall_at, stall));
    let ran = run(scenario)?;
    let timeline = ran.timeline();
    let started = ran.watched.started;
    let since = |t: Instant| t.saturating_duration_since(started);
    let lives: Vec<(Duration, Duration)> =
        ran.pipeline.live.lives().iter().map(|&(b, d)| (since(b), since(d))).collect();
    let mut j = Judgement::new();
    j.details(timeline.lines("1,000 records: the three stages over time")).details(
        picture::in_flight(
            "records in memory, counted by the records themselves",
            &lives,
            Some(bound),
        ),
    );
    all_written_in_order(&ran, count).map_err(|o| j.onto(o))?;
    let peak = ran.pipeline.live.peak();
    let first_write = timeline.first_start("write").unwrap_or_default();
    let last_fetch = timeline.last_end("fetch").unwrap_or_default();
    let sequential = first_write >= last_fetch;
    j.figure("records in memory at once", peak, format!("≤ {bound}")).figure(
        "first write started",
        human_duration(first_write),
        format!("before the last fetch ended, at {}", human_duration(last_fetch)),
    );
    let one_after_another = format!(
        "the stages ran one after another: the first record was written at {}, after the last fetch \
         had ended at {}. Connect them with bounded channels and run all three at once \
         (`tokio::try_join!`, or a task each), so each record moves on as soon as it is ready",
        human_duration(first_write),
        human_duration(last_fetch)
    );
    j.ensure(peak <= bound, || {
        let mut message = format!(
            "{peak} records were in memory at once, but the limits allow {bound} (fetch_concurrency {} + \
             cpu_workers {} + 2 × buffer {} + 4): something buffered without bound. While storage \
             stalled for {} at record {stall_at}, your pipeline kept fetching. Connect the stages with \
             bounded channels (`tokio::sync::mpsc::channel(limits.buffer)`): a `send(..).await` that \
             waits while the next stage is behind is what stops the fetching (backpressure)",
            limits.fetch_concurrency,
            limits.cpu_workers,
            limits.buffer,
            human_duration(stall)
        );
        if sequential {
            message.push_str(&format!("; and {one_after_another}"));
        }
        message
    })?;
    j.ensure(!sequential, || one_after_another.clone())?;
    Ok(j.pass(format!(
        "at most {peak} of 1,000 records in memory at once (≤ {bound}), through a {} stall of storage",
        human_duration(stall)
    )))
}

fn near_ideal_time() -> Verdict {
    // Few long rounds: the overhead of a round on a busy machine (timers,
    // wake-ups, connections) is paid twice, not 6 or 60 times.
    let (count, latency, limits) = (10, ms(100), limits(5, 3, 4));
    // Light CPU work: the last round's processing comes after the last
    // fetch, outside both yardsticks, and must stay small beside them.
    let per_record = ms(4);
    let rounds = calibrate(per_record);
    let fetch_ideal = latency * (count as u32).div_ceil(limits.fetch_concurrency as u32);
    let bound_for = |cpu: Duration| fetch_ideal.max(cpu).mul_f64(1.5) + ms(100);
    let cpu_alone = || {
        on_threads(count, limits.cpu_workers, |i| {
            black_box(crunch(body_of(i).as_bytes(), rounds));
        })
    };
    let attempt = || -> Result<Ran, Outcome> {
        let script = Script::new().latency(latency);
        run_in_order(setup("run_pipeline of 10 records", count, script, limits, rounds))
    };
    let mut ran = attempt()?;
    // The CPU work alone on the pool's threads matters only when it is the
    // longer yardstick, so it is timed only if the fetches alone do not
    // already allow the run's time; a burst of load elsewhere can slow one
    // run, so then a second run, the faster of the two, against the slower
    // of two baselines.
    let mut cpu = None;
    let mut runs = 1;
    if ran.watched.elapsed > bound_for(Duration::ZERO) {
        let first = cpu_alone();
        cpu = Some(first);
        if ran.watched.elapsed > bound_for(first) {
            let again = attempt()?;
            cpu = Some(first.max(cpu_alone()));
            if again.watched.elapsed < ran.watched.elapsed {
                ran = again;
            }
            runs = 2;
        }
    }
    let elapsed = ran.watched.elapsed;
    let cpu_time = cpu.unwrap_or_default();
    let (ideal, bound) = (fetch_ideal.max(cpu_time), bound_for(cpu_time));
    let cpu_line = match cpu {
        Some(cpu) => format!(
            "the CPU work alone on {} threads, measured now: {}{}",
            limits.cpu_workers,
            human_duration(cpu),
            if runs > 1 { " (the slower of 2 measurements; the run is the faster of 2)" } else { "" }
        ),
        None => format!(
            "the CPU work, {count} × {} of CPU, was not timed alone: the fetch time already allows the run's",
            human_duration(per_record)
        ),
    };
    let mut j = Judgement::new();
    j.figure(
        "run time",
        human_duration(elapsed),
        format!("≤ 1.5 × {} + 100 ms = {}", human_duration(ideal), human_duration(bound)),
    )
    .detail(format!(
        "ideal fetch time: ceil({count} / {}) × {} = {}; {cpu_line}",
        limits.fetch_concurrency,
        human_duration(latency),
        human_duration(fetch_ideal),
    ))
    .details(ran.timeline().lines("10 records of 100 ms: the three stages over time"));
    j.ensure(elapsed <= bound, || {
        format!(
            "{count} records took {}, but fetching them {} at a time takes {} and the CPU work alone \
             {}: the stages should overlap, so the run takes about the longer of the two. Are the \
             fetches taking turns, the CPU jobs running one at a time, or a stage waiting for the \
             whole input before it starts?",
            human_duration(elapsed),
            limits.fetch_concurrency,
            human_duration(fetch_ideal),
            human_duration(cpu_time)
        )
    })?;
    Ok(j.pass(format!(
        "{} for {count} records: {:.2} × the ideal {}",
        human_duration(elapsed),
        elapsed.as_secs_f64() / ideal.as_secs_f64(),
        human_duration(ideal)
    )))
}
