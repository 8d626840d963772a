//! Known right: no tasks: `buffer_unordered(limit)` over indexed jobs, stopping at the first error; dropping the stream drops every job in it at once. `timeout_at` per `recv` (cancel-safe) while the clock says the deadline is ahead; `join_all` of spawned handles for settle_all.
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
    assert!(limit > 0, "limit must be at least 1");
    let mut slots: Vec<Option<T>> = (0..jobs.len()).map(|_| None).collect();
    let indexed = jobs.into_iter().enumerate().map(|(i, job)| async move { (i, job.await) });
    let mut done = stream::iter(indexed).buffer_unordered(limit);
    while let Some((i, r)) = done.next().await {
        slots[i] = Some(r?);
    }
    Ok(slots.into_iter().flatten().collect())
}

pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    join_all(handles)
        .await
        .into_iter()
        .map(|h| h.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())))
        .collect()
}

pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    // The clock first: `timeout_at` polls `recv()` before its timer, so a
    // deadline already past would still take a message that is waiting.
    while Instant::now() < deadline {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(m)) => got.push(m),
            Ok(None) | Err(_) => break,
        }
    }
    got
}
