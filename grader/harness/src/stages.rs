//! An instrumented source, stage and sink for the checks of async
//! pipelines (feature `async`): the check hands them to the code under
//! test, which only moves things along, and judges what they counted.
//!
//! - The source is a `Stream` of numbered [`Item`]s. Each holds a [`Life`],
//!   which the stage (`work`) passes on to the item's [`Output`] and the
//!   sink ends the moment it takes the output: the lives alive at once are
//!   the items taken from the source and not yet handed to the sink,
//!   counted at every moment wherever the pipeline keeps them (a channel, a
//!   `Vec`, a task waiting to send). Neither type can be made outside this
//!   module, so nothing can be counted out early.
//! - `work` waits its item's latency on the runtime's clock inside a
//!   [`Gauge`] (calls in progress at once, from the future's first poll).
//!   A call of the sink hands the output over; its write is in progress
//!   from that call until its future ends or is dropped (writes at once).
//! - Every step is logged by item with its time since the run began: on the
//!   paused clock of [`run_paused`], exact.

use crate::measure::{Gauge, Life, Lives};
use crate::service::run_paused;
use crate::Outcome;
use futures::{Stream, StreamExt};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// An item of the source, made only by it.
#[derive(Debug)]
pub struct Item {
    id: usize,
    token: Life,
}

/// An output of `work`, made only by it; the item's life goes on in it.
#[derive(Debug)]
pub struct Output {
    id: usize,
    token: Life,
}

/// One run's inputs: how many items, and each item's latency in `work` and
/// in the sink.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    pub items: usize,
    pub work: fn(usize) -> Duration,
    pub write: fn(usize) -> Duration,
}

/// What happened, by item id and time since the run began.
#[derive(Clone, Debug, Default)]
pub struct Log {
    epoch: Option<Instant>,
    /// Items handed out by the source.
    pub taken: Vec<(usize, Duration)>,
    /// Calls of `work` started (first polled).
    pub work_starts: Vec<(usize, Duration)>,
    /// Calls of `work` finished (polled to their end: an output made).
    pub work_ends: Vec<(usize, Duration)>,
    /// Writes started (the sink was called with the output).
    pub write_starts: Vec<(usize, Duration)>,
    pub write_ends: Vec<(usize, Duration)>,
    /// How many writes had ended when the pipeline returned.
    pub returned: Option<usize>,
    /// When it returned.
    pub returned_at: Option<Duration>,
}

impl Log {
    /// How many times `id` is in `list`.
    pub fn times(list: &[(usize, Duration)], id: usize) -> usize {
        list.iter().filter(|e| e.0 == id).count()
    }
}

/// A finished run: the log and the peaks.
#[derive(Clone, Debug)]
pub struct Ran {
    pub log: Log,
    /// The most items taken from the source and not yet handed to the sink.
    pub held: usize,
    /// The most calls of `work` in progress at once.
    pub work_peak: usize,
    /// The most writes in progress at once.
    pub write_peak: usize,
    /// Time on the runtime's clock from the start to the pipeline's return
    /// (the grace after it, [`AFTER`], not included).
    pub elapsed: Duration,
}

/// The instruments of one run; the check builds the pipeline's arguments
/// from it ([`Bench::source`], [`Bench::work`], [`Bench::sink`]).
#[derive(Debug)]
pub struct Bench {
    scenario: Scenario,
    log: Mutex<Log>,
    lives: Arc<Lives>,
    work: Gauge,
    writes: Arc<Lives>,
}

impl Bench {
    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Notes `id` in the list `pick` chooses, at the time now.
    fn note(&self, pick: fn(&mut Log) -> &mut Vec<(usize, Duration)>, id: usize) {
        let mut log = self.log();
        let at = log.epoch.map_or(Duration::ZERO, |e| e.elapsed());
        pick(&mut log).push((id, at));
    }

    /// Items `0..items`, each handed out the moment it is asked for.
    pub fn source(self: &Arc<Bench>) -> impl Stream<Item = Item> + Unpin + Send + 'static {
        let bench = Arc::clone(self);
        futures::stream::iter(0..self.scenario.items).map(move |id| {
            bench.note(|l| &mut l.taken, id);
            Item { id, token: bench.lives.begin() }
        })
    }

    /// The stage: waits the item's latency, counted in progress from its
    /// first poll to its end, and passes the item's life on to its output.
    pub fn work(
        self: &Arc<Bench>,
    ) -> impl Fn(Item) -> std::pin::Pin<Box<dyn Future<Output = Output> + Send>> + Send + Sync + 'static
    {
        let bench = Arc::clone(self);
        move |item: Item| {
            let bench = Arc::clone(&bench);
            Box::pin(async move {
                let _in = bench.work.enter();
                bench.note(|l| &mut l.work_starts, item.id);
                tokio::time::sleep((bench.scenario.work)(item.id)).await;
                bench.note(|l| &mut l.work_ends, item.id);
                Output { id: item.id, token: item.token }
            })
        }
    }

    /// The sink: takes the output when it is called (its item's life ends
    /// there: handed to the sink), and its write is in progress from that
    /// call until the future ends or is dropped, so that sink futures made
    /// ahead and kept count as writes at once. The write waits its latency
    /// from the future's first poll.
    pub fn sink(
        self: &Arc<Bench>,
    ) -> impl FnMut(Output) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + 'static
    {
        let bench = Arc::clone(self);
        move |output: Output| {
            let Output { id, token } = output;
            drop(token);
            let writing = bench.writes.begin();
            bench.note(|l| &mut l.write_starts, id);
            let bench = Arc::clone(&bench);
            Box::pin(async move {
                tokio::time::sleep((bench.scenario.write)(id)).await;
                bench.note(|l| &mut l.write_ends, id);
                drop(writing);
            })
        }
    }

    fn ran(&self, elapsed: Duration) -> Ran {
        Ran {
            log: self.log().clone(),
            held: self.lives.peak(),
            work_peak: self.work.peak(),
            write_peak: self.writes.peak(),
            elapsed,
        }
    }
}

/// How long [`run_pipeline`] goes on after the pipeline returned, on the
/// runtime's clock, so that the writes of tasks it left running are seen.
pub const AFTER: Duration = Duration::from_secs(10);

/// Runs the pipeline that `pipeline` builds from a fresh [`Bench`] of
/// `scenario`, on the paused clock, within `limit` of real time.
///
/// # Errors
/// The run did not finish in time: the runner's message, and what the log
/// says about why (every output written, yet no return: a channel's sender
/// left alive).
pub fn run_pipeline<F, Fut>(
    scenario: Scenario,
    limit: Duration,
    what: &str,
    pipeline: F,
) -> Result<Ran, Outcome>
where
    F: FnOnce(Arc<Bench>) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let bench = Arc::new(Bench {
        scenario,
        log: Mutex::default(),
        lives: Arc::default(),
        work: Gauge::new(),
        writes: Arc::default(),
    });
    let b = Arc::clone(&bench);
    let result = run_paused(limit, what, move || async move {
        b.log().epoch = Some(Instant::now());
        pipeline(Arc::clone(&b)).await;
        {
            let mut log = b.log();
            log.returned = Some(log.write_ends.len());
            log.returned_at = log.epoch.map(|e| e.elapsed());
        }
        // A grace on the paused clock (no real time): tasks the pipeline
        // left running go on, and their late writes show in the log.
        tokio::time::sleep(AFTER).await;
    });
    match result {
        Ok(_) => {
            let elapsed = bench.log().returned_at.unwrap_or_default();
            Ok(bench.ran(elapsed))
        }
        Err(outcome) => {
            let (ended, n) = (bench.log().write_ends.len(), scenario.items);
            if ended < n {
                let line = format!("{ended} of the {n} outputs had been written by then.");
                return Err(outcome.detail(line));
            }
            let runner = outcome.message.clone();
            let message = format!(
                "all {n} outputs were written, yet the pipeline never returned. A loop of \
                 `recv().await` ends only when every `Sender` of the channel is dropped: a sender \
                 (or a clone) still alive where the sink is awaited keeps it waiting forever. Move \
                 the sender into the stage that sends, so that it drops when that stage ends."
            );
            Err(Outcome { message, ..outcome }.detail(runner))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;

    #[test]
    fn items_held_are_counted_from_the_source_to_the_sink() {
        let scenario = Scenario { items: 6, work: |id| ms(10 * (id as u64 + 1)), write: |_| ms(5) };
        // Everything taken at once, worked on together, written in turn.
        let ran = run_pipeline(scenario, ms(5000), "a pipeline", |bench| async move {
            let (work, mut sink) = (bench.work(), bench.sink());
            let items: Vec<Item> = bench.source().collect().await;
            for output in futures::future::join_all(items.into_iter().map(work)).await {
                sink(output).await;
            }
        })
        .unwrap();
        assert_eq!((ran.held, ran.work_peak, ran.write_peak), (6, 6, 1));
        assert_eq!(ran.log.returned, Some(6));
        assert_eq!(ran.log.write_ends.len(), 6);
        assert_eq!(ran.elapsed, ms(60 + 6 * 5));
        assert_eq!(ran.log.write_starts[1], (1, ms(65)));
        assert_eq!(Log::times(&ran.log.work_starts, 3), 1);
        assert_eq!(ran.log.work_ends[0], (0, ms(10)));
    }

    #[test]
    fn writes_after_the_return_are_seen_in_the_grace() {
        let scenario = Scenario { items: 3, work: |_| ms(1), write: |_| ms(50) };
        let ran = run_pipeline(scenario, ms(5000), "a pipeline", |bench| async move {
            let (work, mut sink) = (bench.work(), bench.sink());
            let items: Vec<Item> = bench.source().collect().await;
            tokio::spawn(async move {
                for item in items {
                    sink(work(item).await).await;
                }
            });
        })
        .unwrap();
        assert_eq!((ran.log.returned, ran.log.write_ends.len()), (Some(0), 3));
        assert_eq!(ran.elapsed, Duration::ZERO);
    }

    #[test]
    fn sink_futures_made_ahead_are_writes_at_once() {
        let scenario = Scenario { items: 3, work: |_| ms(1), write: |_| ms(5) };
        let ran = run_pipeline(scenario, ms(5000), "a pipeline", |bench| async move {
            let (work, mut sink) = (bench.work(), bench.sink());
            let items: Vec<Item> = bench.source().collect().await;
            let mut writes = Vec::new();
            for item in items {
                writes.push(sink(work(item).await));
            }
            for write in writes {
                write.await;
            }
        })
        .unwrap();
        // All taken at once by the collect; three writes pending together.
        assert_eq!((ran.held, ran.write_peak), (3, 3));
        assert_eq!(ran.log.write_ends.len(), 3);
    }

    #[test]
    fn a_pipeline_that_never_returns_after_writing_everything_is_named() {
        let scenario = Scenario { items: 2, work: |_| ms(1), write: |_| ms(1) };
        let outcome = run_pipeline(scenario, ms(300), "a pipeline", |bench| async move {
            let (work, mut sink) = (bench.work(), bench.sink());
            let items: Vec<Item> = bench.source().collect().await;
            for item in items {
                sink(work(item).await).await;
            }
            std::future::pending::<()>().await;
        })
        .unwrap_err();
        assert!(outcome.message.contains("all 2 outputs were written"), "{}", outcome.message);
    }
}
