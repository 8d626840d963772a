//! Known wrong: a fresh `timeout` of the whole span on every receive: the deadline moves on with each message.
//! expect-fail: deadline-exact: a deadline that moves
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
    let mut slots: Vec<Option<T>> = (0..jobs.len()).map(|_| None).collect();
    let mut queue = jobs.into_iter().enumerate();
    let mut set = JoinSet::new();
    for (i, job) in queue.by_ref().take(limit) {
        set.spawn(async move { (i, job.await) });
    }
    while let Some(joined) = set.join_next().await {
        match joined {
            Err(e) => std::panic::resume_unwind(e.into_panic()),
            Ok((i, Ok(v))) => {
                slots[i] = Some(v);
                if let Some((j, job)) = queue.next() {
                    set.spawn(async move { (j, job.await) });
                }
            }
            Ok((_, Err(e))) => {
                set.shutdown().await;
                return Err(e);
            }
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
    let span = deadline.saturating_duration_since(Instant::now());
    let mut got = Vec::new();
    while let Ok(Some(m)) = tokio::time::timeout(span, rx.recv()).await {
        got.push(m);
    }
    got
}
