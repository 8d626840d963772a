//! Known wrong: `buffered(limit)` then `try_collect`: an ordered window that waits for its oldest job, so slots stand idle, and an error waits for the jobs listed before it.
//! expect-fail: order-and-limit: buffered(3)
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
    stream::iter(jobs).buffered(limit).try_collect().await
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
