//! Known wrong: on the first error calls `abort_all()` and returns at once: the aborted tasks are still alive until the runtime next polls them.
//! expect-fail: siblings-dropped: aborted but not awaited
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
                set.abort_all();
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
