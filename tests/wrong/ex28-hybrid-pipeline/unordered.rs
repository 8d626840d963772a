//! Known wrong: a right pipeline, except that the process stage uses `buffer_unordered`, so outputs go on in the order the CPU jobs finish (like asyncio.as_completed).
//! expect-fail: records-in-order: storage must get the records in index order

use futures::stream::{self, StreamExt};
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

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
    pool: &rayon::ThreadPool,
    workers: usize,
    mut records: mpsc::Receiver<S::Record>,
    outputs: mpsc::Sender<S::Output>,
) {
    let jobs = stream::poll_fn(|cx| records.poll_recv(cx))
        .map(|record| {
            let (done, result) = oneshot::channel();
            let stages = Arc::clone(stages);
            pool.spawn(move || {
                let _ = done.send(stages.process(record));
            });
            result
        })
        .buffer_unordered(workers);
    let mut jobs = pin!(jobs);
    while let Some(Ok(output)) = jobs.next().await {
        if outputs.send(output).await.is_err() {
            return;
        }
    }
}
