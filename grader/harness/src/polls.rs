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
}
