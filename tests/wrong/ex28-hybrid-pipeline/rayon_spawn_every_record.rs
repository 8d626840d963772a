//! Known wrong: every record goes to the rayon pool the moment it arrives, with nothing bounding the jobs in flight: the pool's `cpu_workers` threads bound the `process` calls, but its queue grows whenever processing is slower than fetching, and nothing tells the fetcher to wait.
//! expect-fail: bounded-memory: something buffered without bound

use futures::stream::{self, StreamExt};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Where record `index` is: `{source}/records/{index}`.
pub fn record_url(source: &str, index: usize) -> String {
    format!("{source}/records/{index}")
}

/// What the pipeline may use. Every limit is at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// At most this many requests to the source in flight at once.
    pub fetch_concurrency: usize,
    /// `process` runs on a pool of this many threads: at most this many
    /// calls at once.
    pub cpu_workers: usize,
    /// Each buffer between two stages holds at most this many records.
    ///
    /// In all, at most `fetch_concurrency + cpu_workers + 2 × buffer + 4`
    /// records (fetched and not yet written) may be in memory at once: those
    /// being fetched, those being processed, two full buffers, and a few in
    /// hand between stages.
    pub buffer: usize,
}

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineError {
    /// Record `index` could not be fetched: the server answered an error
    /// status (4xx or 5xx), or did not answer at all.
    Fetch { index: usize, reason: String },
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Fetch { index, reason } => {
                write!(f, "record {index} could not be fetched: {reason}")
            }
        }
    }
}

impl std::error::Error for PipelineError {}

/// The three stages the caller hands over. The checks implement it with
/// instruments: they count records in memory, `process` calls at once, and
/// what was written when.
pub trait Stages: Send + Sync + 'static {
    /// A fetched record.
    type Record: Send + 'static;
    /// A processed record, ready to be written.
    type Output: Send + 'static;

    /// Makes the record of `body`, the body fetched from
    /// `record_url(source, index)`. Cheap: call it where you fetched.
    fn parse(&self, index: usize, body: String) -> Self::Record;

    /// The CPU-heavy step, milliseconds of CPU per record. Call it only on a
    /// thread of your CPU pool, never on the runtime's thread.
    fn process(&self, record: Self::Record) -> Self::Output;

    /// Writes one output to storage. Storage takes one write at a time: wait
    /// for each before starting the next, in index order.
    fn write(&self, output: Self::Output) -> impl Future<Output = ()> + Send;
}

/// Fetches records `0..count` from `source` (see [`record_url`]), processes
/// each with `stages.process` on a pool of `limits.cpu_workers` threads, and
/// writes each output with `stages.write`, in index order: record 0's output
/// first. The three stages run at the same time, connected by buffers of
/// `limits.buffer` records.
///
/// # Errors
/// The first record that could not be fetched (a 4xx or 5xx answer, or no
/// answer) stops the run: `Err(PipelineError::Fetch { index, .. })`. Which
/// records were written before that is not specified.
///
/// # Panics
/// If a limit is zero, or if `stages.process` panics.
pub async fn run_pipeline<S: Stages>(
    source: &str,
    count: usize,
    stages: Arc<S>,
    limits: Limits,
) -> Result<(), PipelineError> {
    let Limits {
        fetch_concurrency,
        cpu_workers,
        buffer,
    } = limits;
    assert!(
        fetch_concurrency > 0 && cpu_workers > 0 && buffer > 0,
        "every limit must be at least 1: {limits:?}"
    );

    // One client for every request: it keeps a pool of open connections, so
    // F requests at a time reuse F connections instead of opening 1,000.
    // `no_proxy`: never route through a proxy taken from the environment,
    // which would sit between us and the source. (Without TLS there is
    // nothing in the configuration that can fail to build.)
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a plain-HTTP reqwest client always builds");

    // The CPU pool: exactly `cpu_workers` threads, so at most that many
    // `process` calls at once whatever happens upstream. (tokio's
    // `spawn_blocking` would also keep the work off the runtime's thread,
    // but its pool grows to 512 threads: the bound would be ours to add,
    // with a `Semaphore` or `buffered`.)
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cpu_workers)
        .thread_name(|i| format!("pipeline-cpu-{i}"))
        .build()
        .expect("could not start the CPU pool's threads");

    // The two buffers. Bounded: `send(..).await` waits while one is full.
    let (records_tx, records_rx) = mpsc::channel::<S::Record>(buffer);
    let (outputs_tx, outputs_rx) = mpsc::channel::<S::Output>(buffer);

    // Each stage owns the `Sender` it feeds and drops it when it ends: that
    // closes the channel, and the next stage's `recv` returns `None` once
    // the channel is empty. So the end of the input flows down the pipeline
    // on its own, and no stage waits forever.
    let fetching = fetch_stage(
        &client,
        source,
        count,
        &*stages,
        fetch_concurrency,
        records_tx,
    );
    let processing = async {
        process_stage(&stages, &pool, cpu_workers, records_rx, outputs_tx).await;
        Ok::<(), PipelineError>(())
    };
    let writing = async {
        write_stage(&*stages, outputs_rx).await;
        Ok::<(), PipelineError>(())
    };
    // All three in this one task: `try_join!` polls each whenever it is
    // woken, so they run at the same time without `tokio::spawn` (and may
    // borrow `client`, `source`, `stages` and `pool` from this frame). The
    // first `Err` ends the run: the other two futures are dropped, which
    // drops their channel ends, and nothing is left running but CPU jobs
    // already on the pool (their results are dropped with the receivers).
    tokio::try_join!(fetching, processing, writing)?;
    Ok(())
}

/// Fetches every record, at most `concurrency` at once, and sends each to
/// the process stage in index order.
async fn fetch_stage<S: Stages>(
    client: &reqwest::Client,
    source: &str,
    count: usize,
    stages: &S,
    concurrency: usize,
    records: mpsc::Sender<S::Record>,
) -> Result<(), PipelineError> {
    // `map` only builds a future per index; `buffered` starts up to
    // `concurrency` of them, starts the next as soon as the oldest is handed
    // on, and yields outputs in index order. A fetch that finished early
    // waits inside `buffered` for the ones before it: that is the price of
    // order, and it is bounded by `concurrency`.
    let fetches = stream::iter(0..count)
        .map(|index| async move {
            let body = fetch(client, &record_url(source, index))
                .await
                .map_err(|reason| PipelineError::Fetch { index, reason })?;
            // Parse where the body arrived: from here on it is a record.
            Ok(stages.parse(index, body))
        })
        .buffered(concurrency);
    let mut fetches = pin!(fetches);
    while let Some(record) = fetches.next().await {
        // `?`: the first failed fetch, in index order, ends this stage with
        // its error, which `try_join!` passes on.
        //
        // The `send` waits while the buffer is full. Meanwhile `fetches` is
        // not polled, so no new request starts: backpressure.
        if records.send(record?).await.is_err() {
            break; // the next stage is gone (it panicked): nothing to feed
        }
    }
    Ok(())
}

/// One GET: the body, or why there is none. A 4xx or 5xx is an error too:
/// reqwest hands those back as ordinary responses unless asked
/// (`error_for_status`).
async fn fetch(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    let response = response.error_for_status().map_err(|e| e.to_string())?;
    response.text().await.map_err(|e| e.to_string())
}

/// What a CPU job sends back: the output, or the panic of `process`.
type Done<T> = std::thread::Result<T>;

/// Runs `process` on the pool for each record as soon as it arrives, and
/// sends the outputs on in the order the records came.
async fn process_stage<S: Stages>(
    stages: &Arc<S>,
    pool: &rayon::ThreadPool,
    _workers: usize,
    mut records: mpsc::Receiver<S::Record>,
    outputs: mpsc::Sender<S::Output>,
) {
    // The pool has `workers` threads, so that is the bound: every record
    // goes to it at once, and the pool's queue holds what waits.
    let mut pending: VecDeque<oneshot::Receiver<Done<S::Output>>> = VecDeque::new();
    let mut open = true;
    while open || !pending.is_empty() {
        if open {
            match records.recv().await {
                Some(record) => {
                    let (done, result) = oneshot::channel::<Done<S::Output>>();
                    let stages = Arc::clone(stages);
                    pool.spawn(move || {
                        let output = catch_unwind(AssertUnwindSafe(|| stages.process(record)));
                        let _ = done.send(output);
                    });
                    pending.push_back(result);
                }
                None => open = false,
            }
        }
        // Hand on what is ready at the front (all of it once the input ended).
        while let Some(front) = pending.front_mut() {
            let result = if open {
                match front.try_recv() {
                    Ok(result) => result,
                    Err(oneshot::error::TryRecvError::Empty) => break,
                    Err(oneshot::error::TryRecvError::Closed) => panic!("the CPU pool dropped a job"),
                }
            } else {
                front.await.unwrap_or_else(|_| panic!("the CPU pool dropped a job"))
            };
            pending.pop_front();
            let output = match result {
                Ok(output) => output,
                Err(panic) => resume_unwind(panic),
            };
            if outputs.send(output).await.is_err() {
                return;
            }
        }
    }
}

/// Writes every output, one at a time, in the order they come.
async fn write_stage<S: Stages>(stages: &S, mut outputs: mpsc::Receiver<S::Output>) {
    while let Some(output) = outputs.recv().await {
        // Awaited before the next `recv`: one write at a time, and while
        // this one is slow the channel fills, and backpressure flows up.
        stages.write(output).await;
    }
}
