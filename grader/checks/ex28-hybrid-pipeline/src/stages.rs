//! The stages handed to `run_pipeline`, instrumented: the checks count, the
//! code under test only moves things along.
//!
//! - Every [`Record`] holds a [`Life`] that counts it in on creation and
//!   out on drop, and passes it on to its [`Output`], so "records in memory at once" is counted by the
//!   records, wherever the pipeline keeps them. Neither can be made outside
//!   this module: a record comes only from `parse`, an output only from
//!   `process`.
//! - `process` is a calibrated CPU loop (`kata_harness::calibrate`) inside
//!   a [`Gauge`] (calls at once), and notes its thread, start and end.
//! - `write` is storage that takes one write at a time (a [`Gauge`] counts
//!   writes at once), waits a little on the runtime's clock, can stall once
//!   on a given record, and logs what it wrote and when.

use crate::target::Stages;
use kata_fakes::body_for;
use kata_harness::calibrate::{crunch, rounds_for};
use kata_harness::measure::{Gauge, Life, Lives};
use kata_harness::runtime::Calls;
use std::hint::black_box;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The path of record `index` on the fake server.
pub fn path_of(index: usize) -> String {
    format!("/records/{index}")
}

/// The body the server answers for record `index`.
pub fn body_of(index: usize) -> String {
    body_for(&path_of(index))
}

/// How many rounds of `crunch` over a record's body cost about `target`
/// of CPU here, measured now.
pub fn calibrate(target: Duration) -> u64 {
    rounds_for(body_of(123).as_bytes(), target)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A fetched record, made only by `parse`.
pub struct Record {
    index: usize,
    body: String,
    life: Life,
}

/// A processed record, made only by `process`; the record's life goes on
/// in it.
pub struct Output {
    index: usize,
    body_ok: bool,
    _life: Life,
}

/// One write, as storage saw it.
#[derive(Clone, Copy, Debug)]
pub struct Written {
    pub index: usize,
    /// The record's body was the one the server answers for its index.
    pub body_ok: bool,
    pub start: Instant,
    pub end: Instant,
}

/// The instrumented stages.
pub struct Pipeline {
    pub live: Arc<Lives>,
    /// `process` calls at once, and each call's thread and times.
    pub cpu: Gauge,
    pub jobs: Calls,
    /// Writes at once.
    pub writes: Gauge,
    /// Rounds of [`crunch`] per record (the last entry for any later index).
    rounds: Vec<u64>,
    write_latency: Duration,
    /// The write of this record waits this long (storage stalls once).
    stall: Option<(usize, Duration)>,
    written: Mutex<Vec<Written>>,
}

impl Pipeline {
    pub fn new(
        rounds: Vec<u64>,
        write_latency: Duration,
        stall: Option<(usize, Duration)>,
    ) -> Pipeline {
        Pipeline {
            live: Arc::default(),
            cpu: Gauge::new(),
            jobs: Calls::new(),
            writes: Gauge::new(),
            rounds,
            write_latency,
            stall,
            written: Mutex::default(),
        }
    }

    pub fn rounds_of(&self, index: usize) -> u64 {
        self.rounds.get(index).or(self.rounds.last()).copied().unwrap_or(1)
    }

    /// What storage received, in the order the writes ended (one at a
    /// time, that is also the order they started).
    pub fn written(&self) -> Vec<Written> {
        lock(&self.written).clone()
    }
}

impl Stages for Pipeline {
    type Record = Record;
    type Output = Output;

    fn parse(&self, index: usize, body: String) -> Record {
        let life = self.live.begin();
        Record { index, body, life }
    }

    fn process(&self, record: Record) -> Output {
        let _job = self.cpu.enter();
        self.jobs.record(|| {
            let Record { index, body, life } = record;
            black_box(crunch(body.as_bytes(), self.rounds_of(index)));
            let body_ok = body == body_of(index);
            // One life per record, from `parse` to the drop of its output.
            Output { index, body_ok, _life: life }
        })
    }

    async fn write(&self, output: Output) {
        let _writing = self.writes.enter();
        let start = Instant::now();
        match self.stall {
            Some((index, wait)) if index == output.index => tokio::time::sleep(wait).await,
            _ if !self.write_latency.is_zero() => tokio::time::sleep(self.write_latency).await,
            // Still asynchronous: the write gives the thread back once.
            _ => tokio::task::yield_now().await,
        }
        lock(&self.written).push(Written {
            index: output.index,
            body_ok: output.body_ok,
            start,
            end: Instant::now(),
        });
        drop(output);
    }
}
