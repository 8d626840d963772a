//! Known right: hand-rolled bounded queues: a VecDeque of spawned fetch tasks awaited in order, and a VecDeque of rayon jobs' oneshots, refilled with select!.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
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

/// Two stages in one loop each, no streams: fetching keeps a VecDeque of
/// up to `fetch_concurrency` JoinHandles of spawned requests (awaited in
/// order); the CPU stage keeps a VecDeque of up to `cpu_workers` rayon jobs
/// (oneshot receivers, awaited in order). Same bounds as `buffered`, by hand.
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
        .thread_name(|n| format!("pipeline-cpu-{n}"))
        .build()
        .expect("rayon builds its pool");
    let (rec_tx, mut rec_rx) = mpsc::channel::<S::Record>(limits.buffer);
    let (out_tx, mut out_rx) = mpsc::channel::<S::Output>(limits.buffer);

    let fetching = async {
        let rec_tx = rec_tx;
        let mut in_flight = VecDeque::with_capacity(limits.fetch_concurrency);
        let mut next = 0;
        loop {
            while next < count && in_flight.len() < limits.fetch_concurrency {
                let (client, source, stages) =
                    (client.clone(), source.to_owned(), Arc::clone(&stages));
                let index = next;
                in_flight.push_back(tokio::spawn(async move {
                    let body = fetch_body(&client, &source, index).await?;
                    Ok::<_, PipelineError>(stages.parse(index, body))
                }));
                next += 1;
            }
            let Some(oldest) = in_flight.pop_front() else {
                break;
            };
            let record = match oldest.await {
                Ok(record) => record,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
            let record = match record {
                Ok(record) => record,
                Err(error) => {
                    for request in in_flight {
                        request.abort();
                    }
                    return Err(error);
                }
            };
            if rec_tx.send(record).await.is_err() {
                break;
            }
        }
        Ok::<(), PipelineError>(())
    };
    let processing = async {
        let out_tx = out_tx;
        let mut jobs: VecDeque<oneshot::Receiver<S::Output>> = VecDeque::new();
        let mut open = true;
        loop {
            // Fill the pool up to `cpu_workers` jobs, in arrival order.
            while open && jobs.len() < limits.cpu_workers {
                let record = if jobs.is_empty() {
                    rec_rx.recv().await
                } else {
                    match rec_rx.try_recv() {
                        Ok(record) => Some(record),
                        Err(mpsc::error::TryRecvError::Empty) => break,
                        Err(mpsc::error::TryRecvError::Disconnected) => None,
                    }
                };
                let Some(record) = record else {
                    open = false;
                    break;
                };
                let (tx, rx) = oneshot::channel();
                let stages = Arc::clone(&stages);
                pool.spawn(move || {
                    let _ = tx.send(stages.process(record));
                });
                jobs.push_back(rx);
            }
            let Some(mut oldest) = jobs.pop_front() else {
                break;
            };
            // Wait for the oldest job, or for a record that could use a free thread.
            let more = open && jobs.len() + 1 < limits.cpu_workers;
            tokio::select! {
                biased;
                output = &mut oldest => {
                    let output = output.expect("process panicked");
                    if out_tx.send(output).await.is_err() {
                        break;
                    }
                }
                record = rec_rx.recv(), if more => {
                    jobs.push_front(oldest);
                    match record {
                        Some(record) => {
                            let (tx, rx) = oneshot::channel();
                            let stages = Arc::clone(&stages);
                            pool.spawn(move || {
                                let _ = tx.send(stages.process(record));
                            });
                            jobs.push_back(rx);
                        }
                        None => open = false,
                    }
                }
            }
        }
        Ok::<(), PipelineError>(())
    };
    let writing = async {
        while let Some(output) = out_rx.recv().await {
            stages.write(output).await;
        }
        Ok::<(), PipelineError>(())
    };
    tokio::try_join!(fetching, processing, writing)?;
    Ok(())
}
