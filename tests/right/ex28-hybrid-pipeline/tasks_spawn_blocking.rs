//! Known right: three spawned tasks; the CPU stage is spawn_blocking, bounded and kept in order by buffered(cpu_workers) over the JoinHandles.
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

/// Three spawned tasks (so they own what they use), spawn_blocking for the
/// CPU stage bounded by `buffered(cpu_workers)` over the JoinHandles.
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
    let (rec_tx, mut rec_rx) = mpsc::channel::<S::Record>(limits.buffer);
    let (out_tx, mut out_rx) = mpsc::channel::<S::Output>(limits.buffer);

    let fetcher = tokio::spawn({
        let stages = Arc::clone(&stages);
        let source = source.to_owned();
        async move {
            let (client, source, stages) = (&client, &source, &stages);
            let mut records = pin!(stream::iter(0..count)
                .map(|i| async move {
                    let body = fetch_body(client, source, i).await?;
                    Ok::<_, PipelineError>(stages.parse(i, body))
                })
                .buffered(limits.fetch_concurrency));
            while let Some(record) = records.next().await {
                // The processor is gone only if it failed: stop quietly.
                if rec_tx.send(record?).await.is_err() {
                    break;
                }
            }
            Ok::<(), PipelineError>(())
        }
    });
    let processor = tokio::spawn({
        let stages = Arc::clone(&stages);
        async move {
            let mut outputs = pin!(stream::poll_fn(|cx| rec_rx.poll_recv(cx))
                .map(|record| {
                    let stages = Arc::clone(&stages);
                    tokio::task::spawn_blocking(move || stages.process(record))
                })
                .buffered(limits.cpu_workers));
            while let Some(joined) = outputs.next().await {
                let output = match joined {
                    Ok(output) => output,
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                };
                if out_tx.send(output).await.is_err() {
                    break;
                }
            }
        }
    });
    let writer = tokio::spawn({
        let stages = Arc::clone(&stages);
        async move {
            while let Some(output) = out_rx.recv().await {
                stages.write(output).await;
            }
        }
    });

    let unwind = |e: tokio::task::JoinError| -> ! {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic())
        }
        panic!("a pipeline task was cancelled: {e}")
    };
    let fetched = fetcher.await.unwrap_or_else(|e| unwind(e));
    if let Err(error) = fetched {
        // Stop the rest: they would only process and write what came before.
        processor.abort();
        writer.abort();
        return Err(error);
    }
    processor.await.unwrap_or_else(|e| unwind(e));
    writer.await.unwrap_or_else(|e| unwind(e));
    Ok(())
}
