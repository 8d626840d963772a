//! Known wrong: the notes' pipeline as three phases: fetch every record (bounded), then process them all on the pool, then write them all. Right answers, but nothing overlaps and all 1,000 records sit in memory at once.
//! expect-fail: bounded-memory: records were in memory at once, but the limits allow
//! expect-fail: bounded-memory: the stages ran one after another

use futures::stream::{self, StreamExt, TryStreamExt};
use rayon::prelude::*;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::oneshot;

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

pub async fn run_pipeline<S: Stages>(
    source: &str,
    count: usize,
    stages: Arc<S>,
    limits: Limits,
) -> Result<(), PipelineError> {
    let client = client();
    let pool = pool(limits.cpu_workers);
    // Phase 1: fetch everything, at most `fetch_concurrency` at a time.
    let records: Vec<S::Record> = stream::iter(0..count)
        .map(|index| {
            let (client, stages) = (&client, &stages);
            async move {
                let body = fetch(client, &record_url(source, index))
                    .await
                    .map_err(|reason| PipelineError::Fetch { index, reason })?;
                Ok::<_, PipelineError>(stages.parse(index, body))
            }
        })
        .buffered(limits.fetch_concurrency)
        .try_collect()
        .await?;
    // Phase 2: process everything on the pool.
    let (done, result) = oneshot::channel();
    let worker_stages = Arc::clone(&stages);
    pool.spawn(move || {
        let outputs: Vec<S::Output> = records
            .into_par_iter()
            .map(|record| worker_stages.process(record))
            .collect();
        let _ = done.send(outputs);
    });
    let outputs = result.await.expect("the pool dropped the job");
    // Phase 3: write everything.
    for output in outputs {
        stages.write(output).await;
    }
    Ok(())
}
