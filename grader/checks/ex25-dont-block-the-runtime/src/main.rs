//! The hidden checks of ex25 · Don't block the runtime.
//!
//! `handle` runs on a `current_thread` tokio runtime (one thread, like
//! asyncio's event loop), several requests at once, with a `work` function
//! the checks instrument: it notes which thread ran it. Principle 6 of the
//! curriculum: a blocked runtime is measured by CPU, not by feel.
//!
//! - The runtime thread's own CPU clock (`cpu_time::ThreadTime`, read on
//!   that thread) against what the same calls of `work` cost on a plain
//!   thread of this process, measured in the same run: ~100% when the work
//!   runs inline, ~1% when it is handed off. Load on the machine does not
//!   add CPU time to a thread, so the ratio holds on a busy machine.
//! - A heartbeat task on the same runtime, due every 5 ms: its longest gap
//!   is how long other tasks were kept waiting. A plain thread ticking
//!   beside it tells a blocked runtime from a stalled machine.
//!
//! `work` is calibrated on this machine to cost about 80 ms of CPU per call,
//! so that one inline call alone is a gap past the 50 ms limit.

use futures::future::join_all;
use kata_harness::protocol::human_duration;
use kata_harness::runtime::{cpu_of, judge_cpu, judge_heartbeat, run_watched, Watched};
use kata_harness::{ensure, fail, pass, Check, Outcome, Status, Verdict};
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

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
    kata_harness::main(&[
        Check::new(
            "answers-right",
            "6 requests at once: each response has its request's id and work(&body)",
            answers_right,
        ),
        Check::new(
            "runtime-thread-cpu",
            "4 requests of 80 ms of CPU: the runtime's thread uses ≤ 20% of the CPU the work costs on a plain thread",
            runtime_thread_cpu,
        ),
        Check::new(
            "heartbeat",
            "4 requests of 80 ms of CPU: a task on the runtime, due every 5 ms, never waits 50 ms or more",
            heartbeat,
        ),
    ])
}

/// The checks' CPU work: an FNV-style hash of `body`, `rounds` times over,
/// each round depending on the last (so nothing can be skipped or
/// vectorised away).
fn digest(body: &[u8], rounds: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for _ in 0..black_box(rounds) {
        for &b in black_box(body) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = h.rotate_left(17) ^ (h >> 7);
    }
    h
}

/// The body of request `i`: 64 bytes, different for every `i`.
fn body_of(i: usize) -> Vec<u8> {
    (0..64u8)
        .map(|b| b.wrapping_mul(31).wrapping_add(i as u8).wrapping_mul(7))
        .collect()
}

/// How many rounds of [`digest`] cost about `target` of CPU here, measured
/// now on a plain thread (the shortest of three probes).
fn rounds_for(target: Duration) -> u64 {
    const PROBE: u64 = 20_000;
    let body = body_of(0);
    let spent = (0..3)
        .map(|_| match cpu_of(|| digest(&body, PROBE)) {
            Ok((_, cpu)) => cpu,
            // No thread clock here: wall time on this thread will do.
            Err(_) => {
                let start = Instant::now();
                black_box(digest(&body, PROBE));
                start.elapsed()
            }
        })
        .min()
        .unwrap_or_default()
        .max(Duration::from_micros(10));
    let rounds = PROBE as f64 * target.as_secs_f64() / spent.as_secs_f64();
    (rounds as u64).clamp(1, 1 << 40)
}

/// The threads that ran `work`, one entry per call.
#[derive(Default)]
struct Meter {
    threads: Mutex<Vec<ThreadId>>,
}

impl Meter {
    fn on(&self, thread: ThreadId) -> usize {
        self.threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|&&t| t == thread)
            .count()
    }
}

/// The `work` handed to `handle`: [`digest`] with `rounds`, noting the
/// thread of each call in `meter`.
fn work_of(rounds: u64, meter: &Arc<Meter>) -> Work {
    let meter = Arc::clone(meter);
    Arc::new(move |body: &[u8]| {
        meter
            .threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(thread::current().id());
        digest(body, rounds)
    })
}

fn requests(n: usize, body: impl Fn(usize) -> Vec<u8>) -> Vec<Request> {
    (0..n)
        .map(|i| Request {
            id: 100 + i as u32 * 7,
            body: body(i),
        })
        .collect()
}

/// `handle` of every request on a watched `current_thread` runtime, all in
/// flight at once, request `i` arriving `i × apart` after the first.
fn serve(
    requests: Vec<Request>,
    work: Work,
    apart: Duration,
) -> Result<Watched<Vec<Response>>, Outcome> {
    let n = requests.len();
    run_watched(
        LIMIT,
        &format!("handling {n} requests at once"),
        move || async move {
            join_all(requests.into_iter().enumerate().map(|(i, request)| {
                let work = Arc::clone(&work);
                async move {
                    tokio::time::sleep(apart * i as u32).await;
                    handle(request, work).await
                }
            }))
            .await
        },
    )
}

/// Every response must carry its request's id and the digest of its body.
fn answers_match(sent: &[Request], got: &[Response], want: &[u64]) -> Result<(), Outcome> {
    ensure(got.len() == sent.len(), || {
        fail(format!(
            "{} requests gave {} responses",
            sent.len(),
            got.len()
        ))
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
    let rounds = rounds_for(Duration::from_millis(3));
    let sent = requests(6, |i| body_of(i).repeat(i + 1));
    let want: Vec<u64> = sent.iter().map(|r| digest(&r.body, rounds)).collect();
    let meter = Arc::new(Meter::default());
    let run = serve(sent.clone(), work_of(rounds, &meter), Duration::ZERO)?;
    answers_match(&sent, &run.value, &want)?;
    let calls = meter
        .threads
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .len();
    ensure(calls == sent.len(), || {
        fail(format!(
            "`work` ran {calls} times for {} requests: call it once per request",
            sent.len()
        ))
    })?;
    Ok(pass("6 responses, each with its request's id and digest"))
}

/// The heavy scenario: 4 requests of [`HEAVY`] each, at once.
struct Heavy {
    run: Watched<Vec<Response>>,
    meter: Arc<Meter>,
}

fn heavy(rounds: u64) -> Result<(Heavy, Vec<u64>), Outcome> {
    let sent = requests(REQUESTS, body_of);
    let want: Vec<u64> = sent.iter().map(|r| digest(&r.body, rounds)).collect();
    let meter = Arc::new(Meter::default());
    let run = serve(sent.clone(), work_of(rounds, &meter), ARRIVALS)?;
    answers_match(&sent, &run.value, &want)?;
    Ok((Heavy { run, meter }, want))
}

/// "2 of the 4 calls of `work` ran on the runtime's thread."
fn where_it_ran(heavy: &Heavy) -> String {
    format!(
        "{} of the {REQUESTS} calls of `work` ran on the runtime's thread",
        heavy.meter.on(heavy.run.runtime_thread)
    )
}

fn runtime_thread_cpu() -> Verdict {
    let rounds = rounds_for(HEAVY);
    let sent = requests(REQUESTS, body_of);
    // The same-run baseline: the same calls, one after another, on a plain
    // thread of this process.
    let baseline = cpu_of(|| {
        sent.iter()
            .map(|r| digest(&r.body, rounds))
            .collect::<Vec<u64>>()
    })
    .map(|(_, cpu)| cpu);
    let (heavy, _) = heavy(rounds)?;
    let job = format!("the {REQUESTS} calls of `work`");
    let verdict = judge_cpu(&heavy.run.runtime_cpu, &baseline, &job, ADVICE);
    let place = where_it_ran(&heavy);
    let wall = format!(
        "the {REQUESTS} requests took {} from first to last",
        human_duration(heavy.run.elapsed)
    );
    match verdict {
        Ok(outcome) => Ok(outcome.detail(place).detail(wall)),
        Err(outcome) => Err(outcome.detail(place).detail(wall)),
    }
}

fn heartbeat() -> Verdict {
    let rounds = rounds_for(HEAVY);
    // A gap can be the machine's doing; a right handler gets a second run,
    // a blocking one fails both.
    let mut last = None;
    for _ in 0..2 {
        let (heavy, _) = heavy(rounds)?;
        let place = where_it_ran(&heavy);
        let verdict = match judge_heartbeat(&heavy.run, ADVICE) {
            Ok(outcome) => Ok(outcome.detail(place)),
            Err(outcome) => Err(outcome.detail(place)),
        };
        if matches!(&verdict, Ok(o) if o.status == Status::Passed) {
            return verdict;
        }
        last = Some(verdict);
    }
    last.unwrap_or_else(|| Err(fail("the heartbeat check did not run")))
}
