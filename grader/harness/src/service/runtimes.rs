//! Async code on several threads at once, each with a runtime of its own.
//!
//! A `current_thread` runtime switches tasks only at an `.await`, so code
//! whose read and write are split without an `.await` between them never
//! races there. A multi-threaded runtime would race it, but its tasks must
//! be `Send`, which would make a learner's non-`Send` future a compile
//! error of the checks instead of a verdict. [`on_runtimes`] gets the
//! parallelism without the bound: `threads` plain threads, each running a
//! `current_thread` runtime of its own (real clock) on a future built on
//! that thread, all let go at once by a barrier so that they overlap.

use crate::{within, Outcome};
use std::future::Future;
use std::panic::resume_unwind;
use std::sync::{Arc, Barrier};
use std::time::Duration;
use tokio::runtime::Builder;

/// The outputs of `make(0)`, ..., `make(threads - 1)`, each future run to its
/// end on a `current_thread` runtime on a thread of its own, all started
/// together; in thread order. A panic on any thread is passed on.
///
/// # Errors
/// A failing outcome if they did not all finish within `limit` of real time
/// (`what` completes "... did not finish in 3 s"), or a runtime could not be
/// built.
pub fn on_runtimes<T, F, Fut>(
    threads: usize,
    limit: Duration,
    what: &str,
    make: F,
) -> Result<Vec<T>, Outcome>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T>,
{
    let make = Arc::new(make);
    within(limit, what, move || {
        let start = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (make, start) = (Arc::clone(&make), Arc::clone(&start));
                std::thread::spawn(move || {
                    let runtime = Builder::new_current_thread().enable_all().build();
                    start.wait();
                    runtime.map(|rt| rt.block_on(make(t)))
                })
            })
            .collect();
        let joined = handles.into_iter().map(|h| h.join().unwrap_or_else(|p| resume_unwind(p)));
        joined.collect::<Result<Vec<T>, _>>()
    })?
    .map_err(|e| crate::fail(format!("the check could not build its tokio runtimes: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_thread_runs_its_future_and_the_outputs_keep_thread_order() {
        let at_once = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let seen = Arc::clone(&at_once);
        let out = on_runtimes(4, ms(5000), "four runtimes", move |t| {
            let seen = Arc::clone(&seen);
            async move {
                let now = seen.0.fetch_add(1, Ordering::SeqCst) + 1;
                seen.1.fetch_max(now, Ordering::SeqCst);
                // A non-`Send` value held across an `.await` is fine here.
                let local = std::rc::Rc::new(t * 10);
                tokio::time::sleep(ms(50)).await;
                seen.0.fetch_sub(1, Ordering::SeqCst);
                *local
            }
        })
        .unwrap();
        assert_eq!(out, [0, 10, 20, 30]);
        assert!(at_once.1.load(Ordering::SeqCst) >= 2, "the threads overlapped");
    }

    #[test]
    fn a_hang_is_a_verdict() {
        let outcome = on_runtimes(2, ms(200), "the stuck code", |_| async {
            std::future::pending::<()>().await;
        })
        .unwrap_err();
        assert!(outcome.message.contains("the stuck code did not finish"), "{}", outcome.message);
    }
}
