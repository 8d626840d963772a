//! Known wrong: hands each record to `spawn_blocking` as soon as it arrives, with no bound: tokio's blocking pool grows to 512 threads, so far more than `cpu_workers` jobs run at once.
//! expect-fail: cpu-pool-bound: calls of `process` ran at once, but cpu_workers is

use futures::stream::{self, StreamExt};
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
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

async fn fetch(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    let response = response.error_for_status().map_err(|e| e.to_string())?;
    response.text().await.map_err(|e| e.to_string())
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}

async fn fetch_stage<S: Stages>(
    client: &reqwest::Client,
    source: &str,
    count: usize,
    stages: &S,
    concurrency: usize,
    records: mpsc::Sender<S::Record>,
) -> Result<(), PipelineError> {
    let fetches = stream::iter(0..count)
        .map(|index| async move {
            let body = fetch(client, &record_url(source, index))
                .await
                .map_err(|reason| PipelineError::Fetch { index, reason })?;
            Ok(stages.parse(index, body))
        })
        .buffered(concurrency);
    let mut fetches = pin!(fetches);
    while let Some(record) = fetches.next().await {
        if records.send(record?).await.is_err() {
            break;
        }
    }
    Ok(())
}

async fn write_stage<S: Stages>(stages: &S, mut outputs: mpsc::Receiver<S::Output>) {
    while let Some(output) = outputs.recv().await {
        stages.write(output).await;
    }
}

pub async fn run_pipeline<S: Stages>(
    source: &str,
    count: usize,
    stages: Arc<S>,
    limits: Limits,
) -> Result<(), PipelineError> {
    let client = client();
    let pool = pool(limits.cpu_workers);
    let (records_tx, records_rx) = mpsc::channel(limits.buffer);
    let (outputs_tx, outputs_rx) = mpsc::channel(limits.buffer);
    let fetching = fetch_stage(
        &client,
        source,
        count,
        &*stages,
        limits.fetch_concurrency,
        records_tx,
    );
    let processing = async {
        process_stage(&stages, &pool, limits.cpu_workers, records_rx, outputs_tx).await;
        Ok::<(), PipelineError>(())
    };
    let writing = async {
        write_stage(&*stages, outputs_rx).await;
        Ok::<(), PipelineError>(())
    };
    tokio::try_join!(fetching, processing, writing)?;
    Ok(())
}

async fn process_stage<S: Stages>(
    stages: &Arc<S>,
    _pool: &rayon::ThreadPool,
    _workers: usize,
    mut records: mpsc::Receiver<S::Record>,
    outputs: mpsc::Sender<S::Output>,
) {
    let (handles_tx, mut handles_rx) = mpsc::unbounded_channel();
    let starting = async move {
        while let Some(record) = records.recv().await {
            let stages = Arc::clone(stages);
            let job = tokio::task::spawn_blocking(move || stages.process(record));
            if handles_tx.send(job).is_err() {
                return;
            }
        }
    };
    let forwarding = async move {
        while let Some(job) = handles_rx.recv().await {
            let output = job.await.expect("process panicked");
            if outputs.send(output).await.is_err() {
                return;
            }
        }
    };
    tokio::join!(starting, forwarding);
}
