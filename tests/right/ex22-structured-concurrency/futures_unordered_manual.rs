//! Known right: a `FuturesUnordered` kept `limit` full by hand, returning on the first error (the set, dropped on return, drops the rest); a settle_all that polls indexed futures unordered and puts each in its slot; a pinned deadline with `biased` select.
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
    if limit == 0 {
        panic!("all_or_first_error needs a limit of at least 1");
    }
    let n = jobs.len();
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let mut waiting = jobs.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < limit {
            match waiting.next() {
                Some((i, job)) => running.push(async move { (i, job.await) }),
                None => break,
            }
        }
        match running.next().await {
            Some((i, Ok(v))) => slots[i] = Some(v),
            Some((_, Err(e))) => return Err(e),
            None => break,
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

pub async fn settle_all<T, E>(jobs: Vec<Job<T, E>>) -> Vec<Result<T, E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut slots: Vec<Option<Result<T, E>>> = (0..jobs.len()).map(|_| None).collect();
    let mut all: FuturesUnordered<_> =
        jobs.into_iter().enumerate().map(|(i, job)| async move { (i, job.await) }).collect();
    while let Some((i, r)) = all.next().await {
        slots[i] = Some(r);
    }
    slots.into_iter().flatten().collect()
}

pub async fn collect_until<T>(rx: &mut Receiver<T>, deadline: Instant) -> Vec<T> {
    let mut got = Vec::new();
    let timer = sleep_until(deadline);
    tokio::pin!(timer);
    loop {
        tokio::select! {
            biased;
            () = &mut timer => return got,
            m = rx.recv() => match m {
                Some(m) => got.push(m),
                None => return got,
            },
        }
    }
}
