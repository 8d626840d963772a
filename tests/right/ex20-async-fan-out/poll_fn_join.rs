//! Known right: a hand-written join: `poll_fn` polls every unfinished call each time the task is woken, outputs in slots.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut calls: Vec<Option<Pin<Box<Fut>>>> =
        ids.iter().map(|&id| Some(Box::pin(fetch(id)))).collect();
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(ids.len()).collect();
    poll_fn(|cx| {
        let mut pending = false;
        for (call, slot) in calls.iter_mut().zip(slots.iter_mut()) {
            if let Some(future) = call {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *slot = Some(value);
                        *call = None;
                    }
                    // The call registered `cx`'s waker: we are woken when it can go on.
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    slots
        .into_iter()
        .map(|slot| slot.expect("every call finished"))
        .collect()
}
