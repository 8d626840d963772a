//! The hidden checks of ex25 · Don't block the runtime.
//!
//! `handle` runs on a `current_thread` tokio runtime (one thread, like
//! asyncio's event loop), several requests at once, with a `work` function
//! the checks instrument: it notes which thread ran each call. A blocked
//! runtime is measured by CPU, not by feel (`kata_harness::runtime`).
//!
//! - The runtime thread's own CPU clock (`cpu_time::ThreadTime`, read on
//!   that thread) against what the same calls of `work` cost on a plain
//!   thread of this process, measured in the same run: ~100% when the work
//!   runs inline, ~1% when it is handed off. Load on the machine does not
//!   add CPU time to a thread, so the ratio holds on a busy machine. A
//!   runtime thread that burned CPU while every call ran elsewhere was
//!   polling for the result, and is told so.
//! - A heartbeat task on the same runtime, due every 5 ms: its longest gap
//!   is how long other tasks were kept waiting. A plain thread ticking
//!   beside it tells a blocked runtime from a stalled machine.
//!
//! `work` is calibrated on this machine to cost about 80 ms of CPU per call,
//! so that one inline call alone is a gap past the 50 ms limit.

use futures::future::join_all;
use kata_harness::calibrate::{crunch, rounds_for};
use kata_harness::judge::both;
use kata_harness::protocol::human_duration;
use kata_harness::runtime::{
    cpu_of, judge_cpu, judge_heartbeat, run_watched, second_chance, Calls, Offload, Watched,
};
use kata_harness::{ensure, fail, pass, Outcome, Verdict};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

kata_harness::exercise!(handle, Request, Response, Work);

/// Real time a run may take: a right handler needs well under a second.
const LIMIT: Duration = Duration::from_secs(10);
/// The CPU one call of `work` costs in the blocking checks.
const HEAVY: Duration = Duration::from_millis(80);
/// How many requests the blocking checks handle at once.
const REQUESTS: usize = 4;
/// In the blocking checks, request `i` arrives `i` times this after the
/// first, as requests reach a server: a blocked runtime shows as one gap per
/// request in the heartbeat's picture.
const ARRIVALS: Duration = Duration::from_millis(100);

/// What to do, said at the end of every failure about blocking.
const ADVICE: &str = "Hand the work to another thread and `.await` its result: \
    `tokio::task::spawn_blocking(move || work(&body)).await`, or a rayon pool and a \
    `tokio::sync::oneshot` channel (Python's `asyncio.to_thread` / `run_in_executor`).";

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "answers-right" => answers_right,
            "6 requests at once: each response has its request's id and work(&body)";
        "runtime-thread-cpu" => runtime_thread_cpu,
            "4 requests of 80 ms of CPU: the runtime's thread uses ≤ 20% of the CPU the work costs on a plain thread";
        "heartbeat" => heartbeat,
            "4 requests of 80 ms of CPU: a task on the runtime, due every 5 ms, never waits 50 ms or more";
    })
}

/// The body of request `i`: 64 bytes, different for every `i`.
fn body_of(i: usize) -> Vec<u8> {
    (0..64u8).map(|b| b.wrapping_mul(31).wrapping_add(i as u8).wrapping_mul(7)).collect()
}

/// The `work` handed to `handle`: `crunch` with `rounds`, each call noted
/// in `calls` with its thread.
fn work_of(rounds: u64, calls: &Arc<Calls>) -> Work {
    let calls = Arc::clone(calls);
    Arc::new(move |body: &[u8]| calls.record(|| crunch(body, rounds)))
}

fn requests(n: usize, body: impl Fn(usize) -> Vec<u8>) -> Vec<Request> {
    (0..n).map(|i| Request { id: 100 + i as u32 * 7, body: body(i) }).collect()
}

/// `handle` of every request on a watched `current_thread` runtime, all in
/// flight at once, request `i` arriving `i × apart` after the first.
fn serve(
    requests: Vec<Request>,
    work: Work,
    apart: Duration,
) -> Result<Watched<Vec<Response>>, Outcome> {
    let n = requests.len();
    run_watched(LIMIT, &format!("handling {n} requests at once"), move || async move {
        join_all(requests.into_iter().enumerate().map(|(i, request)| {
            let work = Arc::clone(&work);
            async move {
                tokio::time::sleep(apart * i as u32).await;
                handle(request, work).await
            }
        }))
        .await
    })
}

/// Every response must carry its request's id and the digest of its body.
fn answers_match(sent: &[Request], got: &[Response], want: &[u64]) -> Result<(), Outcome> {
    ensure(got.len() == sent.len(), || {
        fail(format!("{} requests gave {} responses", sent.len(), got.len()))
    })?;
    for (i, ((request, response), &digest)) in sent.iter().zip(got).zip(want).enumerate() {
        ensure(response.id == request.id, || {
            fail(format!(
                "request {i} has id {}, but its response says id {}: answer with the request's own id",
                request.id, response.id
            ))
        })?;
        ensure(response.digest == digest, || {
            fail(format!(
                "request {i} (id {}): its digest is {digest:#x}, but the response says {:#x}: \
                 answer with `work(&request.body)`, of this request's body",
                request.id, response.digest
            ))
        })?;
    }
    Ok(())
}

fn answers_right() -> Verdict {
    let rounds = rounds_for(&body_of(0), Duration::from_millis(3));
    let sent = requests(6, |i| body_of(i).repeat(i + 1));
    let want: Vec<u64> = sent.iter().map(|r| crunch(&r.body, rounds)).collect();
    let calls = Arc::new(Calls::new());
    let run = serve(sent.clone(), work_of(rounds, &calls), Duration::ZERO)?;
    answers_match(&sent, &run.value, &want)?;
    ensure(calls.len() == sent.len(), || {
        fail(format!(
            "`work` ran {} times for {} requests: call it once per request",
            calls.len(),
            sent.len()
        ))
    })?;
    Ok(pass("6 responses, each with its request's id and digest"))
}

/// The heavy scenario: 4 requests of [`HEAVY`] each, arriving
/// [`ARRIVALS`] apart, with the answers checked; and where `work` ran.
fn heavy(rounds: u64) -> Result<(Watched<Vec<Response>>, Offload<'static>), Outcome> {
    let sent = requests(REQUESTS, body_of);
    let want: Vec<u64> = sent.iter().map(|r| crunch(&r.body, rounds)).collect();
    let calls = Arc::new(Calls::new());
    let run = serve(sent.clone(), work_of(rounds, &calls), ARRIVALS)?;
    answers_match(&sent, &run.value, &want)?;
    let job = Offload {
        job: format!("the {REQUESTS} calls of `work`"),
        function: "`work`",
        calls: calls.len(),
        on_runtime: calls.on(run.runtime_thread),
        advice: ADVICE,
    };
    Ok((run, job))
}

fn runtime_thread_cpu() -> Verdict {
    let rounds = rounds_for(&body_of(0), HEAVY);
    let sent = requests(REQUESTS, body_of);
    // The same-run baseline: the same calls, one after another, on a plain
    // thread of this process.
    let baseline = cpu_of(|| sent.iter().map(|r| crunch(&r.body, rounds)).collect::<Vec<u64>>())
        .map(|(_, cpu)| cpu);
    let (run, job) = heavy(rounds)?;
    let wall =
        format!("the {REQUESTS} requests took {} from first to last", human_duration(run.elapsed));
    both(judge_cpu(&run.runtime_cpu, &baseline, &job), |o| o.detail(wall))
}

fn heartbeat() -> Verdict {
    let rounds = rounds_for(&body_of(0), HEAVY);
    second_chance(|| {
        let (run, job) = heavy(rounds)?;
        Ok(judge_heartbeat(&run, &job))
    })
}
