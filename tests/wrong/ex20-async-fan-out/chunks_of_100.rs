//! Known wrong: to go easy on the service, joins the calls in chunks of 100, one chunk after another: a cap of its own that fetch_all does not have, so 1,000 calls take ten rounds.
//! expect-fail: thousand-calls: At most 100 at once is a cap of your own

use std::future::Future;

/// How many calls to let loose at once: "a thousand sockets is too many".
const AT_ONCE: usize = 100;

pub async fn fetch_all<F, Fut, T>(ids: &[u32], fetch: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut results = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(AT_ONCE) {
        // Each chunk together, in order; the next once this one is done.
        let calls = chunk.iter().map(|&id| fetch(id));
        results.extend(futures::future::join_all(calls).await);
    }
    results
}
