//! Known wrong: `try_join_all` on batches of `limit`, one batch after another: a slow job holds its batch, and the error of a later batch waits for it.
//! expect-fail: order-and-limit: batches of 3, each joined before the next starts
//! expect-fail: first-error-in-time: Err(Boom(1))
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
    let mut out = Vec::new();
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let batch: Vec<Job<T, E>> = jobs.by_ref().take(limit).collect();
        out.extend(futures::future::try_join_all(batch).await?);
    }
    Ok(out)
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
