//! Known right: cpu_workers std threads pulling records with blocking_recv, outputs tagged with their index and reordered by a BTreeMap within a window of tickets.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use tokio::sync::mpsc;

pub fn record_url(source: &str, index: usize) -> String {
    format!("{source}/records/{index}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub fetch_concurrency: usize,
    pub cpu_workers: usize,
    pub buffer: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineError {
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

pub trait Stages: Send + Sync + 'static {
    type Record: Send + 'static;
    type Output: Send + 'static;
    fn parse(&self, index: usize, body: String) -> Self::Record;
    fn process(&self, record: Self::Record) -> Self::Output;
    fn write(&self, output: Self::Output) -> impl Future<Output = ()> + Send;
}

async fn fetch_body(
    client: &reqwest::Client,
    source: &str,
    index: usize,
) -> Result<String, PipelineError> {
    let failed = |e: reqwest::Error| PipelineError::Fetch {
        index,
        reason: e.to_string(),
    };
    let response = client
        .get(record_url(source, index))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(failed)?;
    response.text().await.map_err(failed)
}

/// The CPU stage is `cpu_workers` plain std threads that pull records with
/// `blocking_recv` (they are not runtime threads, so they may block) and
/// push `(index, output)` back; an async stage reorders by index within a
/// window of `cpu_workers` records, so at most that many are processed or
/// waiting to be written in order.
pub async fn run_pipeline<S: Stages>(
    source: &str,
    count: usize,
    stages: Arc<S>,
    limits: Limits,
) -> Result<(), PipelineError> {
    assert!(limits.fetch_concurrency > 0 && limits.cpu_workers > 0 && limits.buffer > 0);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest builds");
    let workers = limits.cpu_workers;
    let (rec_tx, rec_rx) = mpsc::channel::<(usize, S::Record)>(limits.buffer);
    // Each job comes back here; `cpu_workers` is all that can be in it.
    let (done_tx, mut done_rx) = mpsc::channel::<(usize, std::thread::Result<S::Output>)>(workers);
    let (out_tx, mut out_rx) = mpsc::channel::<S::Output>(limits.buffer);
    // Tickets: a worker may take record i only once the writer side is
    // within `workers` of it, so the reorder map stays small.
    let window = Arc::new(tokio::sync::Semaphore::new(workers));

    let rec_rx = Arc::new(std::sync::Mutex::new(rec_rx));
    let mut threads = Vec::with_capacity(workers);
    for n in 0..workers {
        let rec_rx = Arc::clone(&rec_rx);
        let done_tx = done_tx.clone();
        let stages = Arc::clone(&stages);
        threads.push(
            std::thread::Builder::new()
                .name(format!("pipeline-cpu-{n}"))
                .spawn(move || loop {
                    // Only the taking is under the lock, never the work.
                    let next = rec_rx
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .blocking_recv();
                    let Some((index, record)) = next else { break };
                    let output = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        stages.process(record)
                    }));
                    if done_tx.blocking_send((index, output)).is_err() {
                        break;
                    }
                })
                .expect("the OS starts a worker thread"),
        );
    }
    drop(done_tx);

    let fetching = {
        let (client, stages, window) = (&client, &stages, &window);
        async move {
            let mut records = pin!(stream::iter(0..count)
                .map(|i| async move {
                    let body = fetch_body(client, source, i).await?;
                    Ok::<_, PipelineError>((i, stages.parse(i, body)))
                })
                .buffered(limits.fetch_concurrency));
            while let Some(record) = records.next().await {
                let record = record?;
                // A ticket per record handed to the workers, given back
                // when its output leaves the reorder stage in order.
                window.acquire().await.expect("never closed").forget();
                if rec_tx.send(record).await.is_err() {
                    break;
                }
            }
            Ok::<(), PipelineError>(())
        }
    };
    let reordering = {
        let window = &window;
        async move {
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            while let Some((index, output)) = done_rx.recv().await {
                let output = output.unwrap_or_else(|payload| std::panic::resume_unwind(payload));
                waiting.insert(index, output);
                while let Some(output) = waiting.remove(&next) {
                    next += 1;
                    window.add_permits(1);
                    if out_tx.send(output).await.is_err() {
                        return Ok(());
                    }
                }
            }
            Ok::<(), PipelineError>(())
        }
    };
    let writing = {
        let stages = &stages;
        async move {
            while let Some(output) = out_rx.recv().await {
                stages.write(output).await;
            }
            Ok::<(), PipelineError>(())
        }
    };
    let outcome = tokio::try_join!(fetching, reordering, writing).map(|_| ());
    // The fetcher's end dropped the records' sender (or the error did):
    // the workers see the channel close and leave.
    drop(rec_rx);
    outcome
}
