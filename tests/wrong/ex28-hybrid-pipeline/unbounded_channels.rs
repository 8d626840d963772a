//! Known wrong: unbounded channels between the stages, so nothing stops the fetcher when a later stage stalls (no backpressure).
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: bounded-memory: something buffered without bound

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;

use futures::stream::{self, StreamExt};
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(limits.cpu_workers)
        .build()
        .expect("rayon builds its pool");
    // Never make a fast stage wait for a slow one.
    let (rec_tx, mut rec_rx) = mpsc::unbounded_channel::<S::Record>();
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<S::Output>();

    let fetching = {
        let (client, stages) = (&client, &stages);
        async move {
            let mut records = pin!(stream::iter(0..count)
                .map(|i| async move {
                    let body = fetch_body(client, source, i).await?;
                    Ok::<_, PipelineError>(stages.parse(i, body))
                })
                .buffered(limits.fetch_concurrency));
            while let Some(record) = records.next().await {
                if rec_tx.send(record?).is_err() {
                    break;
                }
            }
            Ok::<(), PipelineError>(())
        }
    };
    let processing = {
        let (pool, stages) = (&pool, &stages);
        async move {
            let mut jobs = pin!(stream::poll_fn(|cx| rec_rx.poll_recv(cx))
                .map(|record| {
                    let (tx, rx) = oneshot::channel();
                    let stages = Arc::clone(stages);
                    pool.spawn(move || {
                        let _ = tx.send(stages.process(record));
                    });
                    rx
                })
                .buffered(limits.cpu_workers));
            while let Some(output) = jobs.next().await {
                let output = output.expect("process panicked");
                if out_tx.send(output).is_err() {
                    break;
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
    tokio::try_join!(fetching, processing, writing)?;
    Ok(())
}
