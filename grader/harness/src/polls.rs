//! How often a future was polled: [`Polled`] wraps a future, counts its
//! polls, and gives up once they pass a cap.
//!
//! A future that waits on a timer or a channel is polled once when it starts
//! and about once per wake-up after; one that wakes itself (`yield_now` in a
//! loop, a short sleep in a loop) is polled once per round. The count tells
//! the two apart without a clock, and the cap ends a busy loop as a verdict
//! instead of a hung check: on a paused clock a task that never sleeps keeps
//! time from moving at all.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// A future that counts its polls into a shared [`Cell`] and, past `cap`,
/// stops polling the inner future and ends with `Err(polls)`.
pub struct Polled<F> {
    inner: Pin<Box<F>>,
    polls: Rc<Cell<usize>>,
    cap: usize,
}

impl<F: Future> Polled<F> {
    /// Wraps `inner`; read the count from the returned cell at any time.
    pub fn new(inner: F, cap: usize) -> (Polled<F>, Rc<Cell<usize>>) {
        let polls = Rc::new(Cell::new(0));
        (Polled { inner: Box::pin(inner), polls: Rc::clone(&polls), cap }, polls)
    }
}

impl<F: Future> Future for Polled<F> {
    type Output = Result<F::Output, usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let polls = self.polls.get() + 1;
        self.polls.set(polls);
        if polls > self.cap {
            return Poll::Ready(Err(polls - 1));
        }
        self.inner.as_mut().poll(cx).map(Ok)
    }
}

/// What one of [`arrive`]'s calls did: when it began and ended (ms from
/// the start), its value (or `Err(polls)` past the cap), and its polls.
#[cfg(feature = "async")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrived<T> {
    pub at: u64,
    pub ended: u64,
    pub value: Result<T, usize>,
    pub polls: usize,
}

/// On a tokio runtime: starts `call()` at each of `arrivals` (ms after
/// `t0`), each future polled only when it is woken (`FuturesUnordered`),
/// and its polls counted with a cap of `cap` (see [`Polled`]).
#[cfg(feature = "async")]
pub async fn arrive<T, F, Fut>(
    t0: tokio::time::Instant,
    arrivals: &[u64],
    cap: usize,
    call: F,
) -> Vec<Arrived<T>>
where
    F: Fn() -> Fut,
    Fut: Future<Output = T>,
{
    use futures::stream::{FuturesUnordered, StreamExt};
    let since = move || (tokio::time::Instant::now() - t0).as_millis() as u64;
    let calls: FuturesUnordered<_> = arrivals
        .iter()
        .map(|&at| {
            let call = &call;
            async move {
                tokio::time::sleep_until(t0 + std::time::Duration::from_millis(at)).await;
                let (polled, polls) = Polled::new(call(), cap);
                let value = polled.await;
                Arrived { at, ended: since(), value, polls: polls.get() }
            }
        })
        .collect();
    calls.collect().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    /// Wakes itself and stays pending `n` times, then is ready.
    struct Spins(usize);

    impl Future for Spins {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 == 0 {
                return Poll::Ready(());
            }
            self.0 -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    fn run<F: Future>(mut f: Pin<&mut F>) -> F::Output {
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn polls_are_counted_and_a_busy_future_is_cut_off() {
        let (mut ok, polls) = Polled::new(Spins(3), 10);
        assert_eq!(run(Pin::new(&mut ok)), Ok(()));
        assert_eq!(polls.get(), 4);
        let (mut busy, polls) = Polled::new(Spins(1_000), 10);
        assert_eq!(run(Pin::new(&mut busy)), Err(10));
        assert_eq!(polls.get(), 11);
    }

    #[cfg(feature = "async")]
    #[tokio::test(start_paused = true)]
    async fn arrivals_begin_on_time_and_sleepers_are_polled_twice() {
        use tokio::time::{sleep, Duration};
        let t0 = tokio::time::Instant::now();
        let mut done = arrive(t0, &[0, 30], 10, || sleep(Duration::from_millis(5))).await;
        done.sort_by_key(|a| a.at);
        let seen: Vec<(u64, u64, usize)> = done.iter().map(|a| (a.at, a.ended, a.polls)).collect();
        assert_eq!(seen, [(0, 5, 2), (30, 35, 2)]);
    }
}
