//! One run of `run_pipeline` against a fresh server, what was counted on
//! the way, and the first thing every check asks of a run: each record
//! requested once and written once, in index order.

use crate::stages::{path_of, Pipeline};
use crate::target::{run_pipeline, Limits, PipelineError};
use kata_fakes::{Event, FakeServer, Script, Stats};
use kata_harness::runtime::{run_watched, Watched};
use kata_harness::timeline::Timeline;
use kata_harness::{ensure, fail, Outcome};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Real time a run may take: ten times what the slowest right run needs.
pub const LIMIT: Duration = Duration::from_secs(10);

pub fn limits(fetch_concurrency: usize, cpu_workers: usize, buffer: usize) -> Limits {
    Limits { fetch_concurrency, cpu_workers, buffer }
}

/// One run of `run_pipeline` against a fresh server: what it is, how many
/// records, the server's script, the limits, the rounds of CPU work per
/// record (the last for any later index), a stall of storage at a record,
/// and how long it may take.
pub struct Setup {
    pub what: &'static str,
    pub count: usize,
    pub script: Script,
    pub limits: Limits,
    pub rounds: Vec<u64>,
    pub stall: Option<(usize, Duration)>,
    pub limit: Duration,
}

pub fn setup(
    what: &'static str,
    count: usize,
    script: Script,
    limits: Limits,
    rounds: u64,
) -> Setup {
    let (rounds, stall, limit) = (vec![rounds], None, LIMIT);
    Setup { what, count, script, limits, rounds, stall, limit }
}

/// What a run gave and what was counted.
pub struct Ran {
    pub watched: Watched<Result<(), PipelineError>>,
    pub pipeline: Arc<Pipeline>,
    pub stats: Stats,
    pub events: Vec<Event>,
    /// The server's clock starts here (within microseconds).
    pub server_epoch: Instant,
}

impl Ran {
    pub fn timeline(&self) -> Timeline {
        let since = |at: Instant| self.watched.since_start(at);
        let on_server = |d: Duration| since(self.server_epoch + d);
        let fetch = self.events.iter().map(|e| (on_server(e.start), on_server(e.end)));
        let process = self.pipeline.jobs.all().into_iter().map(|j| (since(j.start), since(j.end)));
        let write = self.pipeline.written().into_iter().map(|x| (since(x.start), since(x.end)));
        Timeline {
            stages: vec![
                ("fetch", fetch.collect()),
                ("process", process.collect()),
                ("write", write.collect()),
            ],
            elapsed: self.watched.elapsed,
        }
    }
}

pub fn run(setup: Setup) -> Result<Ran, Outcome> {
    let server_epoch = Instant::now();
    let server = FakeServer::start(setup.script)
        .map_err(|e| fail(format!("the check could not start its HTTP server: {e}")))?;
    let source = server.url("").trim_end_matches('/').to_string();
    let pipeline = Arc::new(Pipeline::new(setup.rounds, Duration::ZERO, setup.stall));
    let stages = Arc::clone(&pipeline);
    let (count, limits) = (setup.count, setup.limits);
    let watched = run_watched(setup.limit, setup.what, move || async move {
        run_pipeline(&source, count, stages, limits).await
    })?;
    let (stats, events) = (server.stats(), server.events());
    let ran = Ran { watched, stats, events, pipeline, server_epoch };
    Ok(ran)
}

/// [`run`], then [`all_written_in_order`].
pub fn run_in_order(scenario: Setup) -> Result<Ran, Outcome> {
    let count = scenario.count;
    let ran = run(scenario)?;
    all_written_in_order(&ran, count)?;
    Ok(ran)
}

/// The run ended `Ok`, every record was requested once, parsed with its own
/// body and written once, in index order, one write at a time.
pub fn all_written_in_order(ran: &Ran, count: usize) -> Result<(), Outcome> {
    if let Err(e) = &ran.watched.value {
        return Err(fail(format!(
            "run_pipeline returned Err({e:?}), but every record answers 200: an error must come from a failed fetch only"
        )));
    }
    for i in 0..count {
        let times = ran.stats.per_path.get(&path_of(i)).copied().unwrap_or(0);
        ensure(times == 1, || {
            fail(format!(
                "record {i} ({}) was requested {times} times: request each record exactly once",
                path_of(i)
            ))
            .figure(
                format!("requests for {} (server's side)", path_of(i)),
                times,
                "== 1",
            )
        })?;
    }
    let written = ran.pipeline.written();
    let mut times = vec![0usize; count];
    for w in &written {
        if let Some(t) = times.get_mut(w.index) {
            *t += 1;
        }
    }
    if let Some(i) = times.iter().position(|&t| t == 0) {
        return Err(fail(format!(
            "record {i} was never written ({} of {count} writes in all): every record must reach storage. \
             Does a stage stop before its input is drained, or drop what it holds at the end?",
            written.len()
        )));
    }
    if let Some(i) = times.iter().position(|&t| t > 1) {
        return Err(fail(format!(
            "record {i} was written {} times: write each record once",
            times[i]
        )));
    }
    if let Some((at, w)) = written.iter().enumerate().find(|(at, w)| w.index != *at) {
        let first: Vec<String> = written.iter().take(12).map(|w| w.index.to_string()).collect();
        return Err(fail(format!(
            "write {at} was record {}, but storage must get the records in index order (0, 1, 2, ...); \
             yours came as {}, ...: not in the order they finish. Keep the order through every stage \
             (`buffered(n)`, not `buffer_unordered(n)`, keeps it)",
            w.index,
            first.join(", ")
        )));
    }
    if let Some(w) = written.iter().find(|w| !w.body_ok) {
        return Err(fail(format!(
            "record {} reached storage with the body of another record: call `parse(index, body)` with \
             the index of the URL the body came from",
            w.index
        )));
    }
    let writes_at_once = ran.pipeline.writes.peak();
    ensure(writes_at_once <= 1, || {
        fail(format!(
            "{writes_at_once} writes were in progress at once: storage takes one write at a time. \
             Await each `write` before starting the next"
        ))
        .figure("writes at once (storage's side)", writes_at_once, "== 1")
    })
}
