//! Known wrong: spawns a task per job at once, each waiting for a semaphore permit, and on an error drops the handles (detaching the tasks): the queued jobs start after the error.
//! expect-fail: no-starts-after-error: started at
//! expect-fail: siblings-dropped: nothing aborted it
#![allow(unused_imports)]

use futures::future::join_all;
use futures::stream::{self, FuturesUnordered, StreamExt, TryStreamExt};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::mpsc::Receiver;
use tokio::task::JoinSet;
use tokio::time::{sleep_until, Instant};

pub type Job<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>;

pub async fn all_or_first_error<T, E>(jobs: Vec<Job<T, E>>, limit: usize) -> Result<Vec<T>, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    assert!(limit > 0, "limit 0");
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(limit));
    let mut slots: Vec<Option<T>> = (0..jobs.len()).map(|_| None).collect();
    let mut running = FuturesUnordered::new();
    for (i, job) in jobs.into_iter().enumerate() {
        let permits = std::sync::Arc::clone(&permits);
        running.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.expect("open");
            (i, job.await)
        }));
    }
    while let Some(done) = running.next().await {
        match done.expect("a job panicked") {
            (i, Ok(v)) => slots[i] = Some(v),
            (_, Err(e)) => return Err(e),
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    join_all(jobs).await
}

pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    loop {
        tokio::select! {
            biased;
            () = sleep_until(deadline) => break,
            m = rx.recv() => match m {
                Some(m) => got.push(m),
                None => break,
            },
        }
    }
    got
}
