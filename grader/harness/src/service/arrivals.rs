//! Time on the check's side of the code under test: [`Arrivals`], when the
//! check hands each item over (all at once, staggered, in bursts),
//! [`Departures`], when each request left the code under test for the
//! transport, and [`Stalls`], how long the runtime's thread was held up
//! meanwhile. All on the runtime's clock.
//!
//! Items that all arrive at t = 0 hide designs that are right only then (a
//! fixed-window rate limiter aligned with the first request); a burst just
//! before a window's end and another just after it shows them.

use super::meter::per_window;
use crate::measure::max_in_window;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// When each item is handed to the code under test, in item order, as
/// offsets from the moment [`Arrivals::drive`] starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrivals {
    times: Vec<Duration>,
    /// When the runtime is held up, and for how long ([`hold_up`]).
    held_up: Option<(Duration, Duration)>,
}

impl Arrivals {
    /// `n` items, all at the start.
    pub fn at_once(n: usize) -> Arrivals {
        Arrivals::new(vec![Duration::ZERO; n])
    }

    /// `n` items, one every `every` from the start.
    pub fn staggered(n: usize, every: Duration) -> Arrivals {
        Arrivals::new((0..n).map(|i| every * u32::try_from(i).unwrap_or(u32::MAX)).collect())
    }

    /// Bursts: `count` items at once at each `at`, in the order given.
    pub fn bursts(bursts: &[(Duration, usize)]) -> Arrivals {
        Arrivals::new(
            bursts.iter().flat_map(|&(at, count)| std::iter::repeat_n(at, count)).collect(),
        )
    }

    fn new(times: Vec<Duration>) -> Arrivals {
        Arrivals { times, held_up: None }
    }

    /// The same arrivals, with the runtime held up from `at` for `length`
    /// meanwhile (see [`hold_up`]; paused clock only).
    pub fn held_up(self, at: Duration, length: Duration) -> Arrivals {
        Arrivals { held_up: Some((at, length)), ..self }
    }

    /// The offsets, in item order.
    pub fn times(&self) -> &[Duration] {
        &self.times
    }

    /// When the runtime is held up, and for how long, if it is.
    pub fn hold_up(&self) -> Option<(Duration, Duration)> {
        self.held_up
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Hands item `i` over at its time by awaiting `f(i)` then, all items
    /// polled together in this one task; gives back each output with how
    /// long it took from its arrival (queueing included).
    pub async fn drive<T, F, Fut>(&self, f: F) -> Vec<(T, Duration)>
    where
        F: Fn(usize) -> Fut,
        Fut: Future<Output = T>,
    {
        let epoch = Instant::now();
        let f = &f;
        let items =
            futures::future::join_all(self.times.iter().enumerate().map(|(i, &at)| async move {
                tokio::time::sleep_until(epoch + at).await;
                let arrived = Instant::now();
                let out = f(i).await;
                (out, arrived.elapsed())
            }));
        let held_up = async {
            if let Some((at, length)) = self.held_up {
                hold_up(at, length).await;
            }
        };
        tokio::join!(items, held_up).0
    }

    /// One line for a failure's details: "arrivals: 1 at 0.0 ms, 9 at 900 ms".
    pub fn describe(&self) -> String {
        let mut groups: Vec<(Duration, usize)> = Vec::new();
        for &t in &self.times {
            match groups.last_mut() {
                Some((at, n)) if *at == t => *n += 1,
                _ => groups.push((t, 1)),
            }
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|&(at, n)| format!("{n} at {}", crate::protocol::human_duration(at)))
            .collect();
        let held_up = self.held_up.map(|(at, length)| {
            let human = crate::protocol::human_duration;
            format!("; the runtime held up from {} to {}", human(at), human(at + length))
        });
        format!("arrivals: {}{}", parts.join(", "), held_up.unwrap_or_default())
    }
}

/// Times noted by the check as requests leave the code under test (a
/// wrapper around the learner's transport calls [`Departures::note`] when
/// a request is first polled): the client's side of what the meter sees
/// arrive. Cloning shares the log.
#[derive(Clone, Debug)]
pub struct Departures {
    epoch: Instant,
    log: Arc<Mutex<Vec<Duration>>>,
}

impl Departures {
    /// An empty log whose times count from now (on the runtime's clock).
    pub fn new() -> Departures {
        Departures { epoch: Instant::now(), log: Arc::default() }
    }

    /// A request leaves now.
    pub fn note(&self) {
        let at = self.epoch.elapsed();
        self.log.lock().unwrap_or_else(|e| e.into_inner()).push(at);
    }

    /// Every departure, in order.
    pub fn times(&self) -> Vec<Duration> {
        let mut times = self.log.lock().unwrap_or_else(|e| e.into_inner()).clone();
        times.sort_unstable();
        times
    }

    /// The most departures within any half-open interval of `window`.
    pub fn most_within(&self, window: Duration) -> usize {
        max_in_window(&self.times(), window)
    }

    /// Departures per window-long step from the start, as in
    /// [`per_window`].
    pub fn per_window(&self, window: Duration) -> String {
        per_window(&self.times(), window)
    }
}

impl Default for Departures {
    fn default() -> Self {
        Departures::new()
    }
}

/// How late the runtime's thread ran its timers while the code under test
/// ran: a task beside it sleeps a millisecond at a time and notes the
/// longest it overslept. A long stall means the thread was held up (a busy
/// machine that did not run it, or blocking code on it), and every task's
/// wake-up was late by as much: a limiter that booked its starts ahead sends
/// them late, bunched with later ones. On a real clock only.
#[derive(Debug)]
pub struct Stalls {
    longest: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Stalls {
    /// Starts watching the current runtime.
    pub fn watch() -> Stalls {
        let longest = Arc::new(AtomicU64::new(0));
        let noted = Arc::clone(&longest);
        let task = tokio::spawn(async move {
            let tick = Duration::from_millis(1);
            loop {
                let due = Instant::now() + tick;
                tokio::time::sleep_until(due).await;
                let late = Instant::now().saturating_duration_since(due);
                let micros = u64::try_from(late.as_micros()).unwrap_or(u64::MAX);
                // Ordering: a lone maximum, read after the run; nothing else
                // is published through it.
                noted.fetch_max(micros, Ordering::Relaxed);
            }
        });
        Stalls { longest, task }
    }

    /// The longest stall seen so far.
    pub fn longest(&self) -> Duration {
        Duration::from_micros(self.longest.load(Ordering::Relaxed))
    }
}

/// On the paused clock, the runtime's thread held up from `at` (from now)
/// for `length`, as a busy machine or a blocking task holds it up: the
/// clock jumps by `length` at `at` (`tokio::time::advance`), so every timer
/// due in between fires late, at `at + length`, all at once. Code that books
/// a start time ahead and sleeps until it then starts later than it
/// booked; only a time read after the wait is the real start.
///
/// # Panics
/// Off a paused clock (`tokio::time::advance` requires one).
pub async fn hold_up(at: Duration, length: Duration) {
    tokio::time::sleep(at).await;
    tokio::time::advance(length).await;
}

impl Drop for Stalls {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    #[test]
    fn schedules_list_their_times_in_item_order() {
        assert_eq!(Arrivals::at_once(2).times(), [ms(0), ms(0)]);
        assert_eq!(Arrivals::staggered(3, ms(50)).times(), [ms(0), ms(50), ms(100)]);
        let bursts = Arrivals::bursts(&[(ms(0), 1), (ms(900), 2)]);
        assert_eq!(bursts.times(), [ms(0), ms(900), ms(900)]);
        assert_eq!(bursts.describe(), "arrivals: 1 at 0.0 ms, 2 at 900 ms");
        assert_eq!(
            Arrivals::at_once(3).held_up(ms(800), ms(400)).describe(),
            "arrivals: 3 at 0.0 ms; the runtime held up from 800 ms to 1.2 s"
        );
    }

    #[test]
    fn a_blocked_runtime_thread_is_a_stall() {
        let runtime = super::super::loopback_runtime().unwrap();
        let longest = runtime.block_on(async {
            let stalls = Stalls::watch();
            tokio::time::sleep(ms(20)).await;
            // Blocks the runtime's only thread: the watcher oversleeps.
            std::thread::sleep(ms(60));
            tokio::time::sleep(ms(5)).await;
            stalls.longest()
        });
        assert!(longest >= ms(50), "{longest:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_up_makes_the_timers_due_meanwhile_fire_late() {
        let start = Instant::now();
        tokio::spawn(hold_up(ms(800), ms(400)));
        let (early, held) = tokio::join!(tokio::time::sleep(ms(500)), async {
            tokio::time::sleep(ms(1000)).await;
            start.elapsed()
        });
        let () = early;
        assert_eq!(held, ms(1200), "a timer due at 1 s fires when the hold-up ends");
        tokio::time::sleep(ms(100)).await;
        assert_eq!(start.elapsed(), ms(1300), "and the clock runs on from there");
        let held = Arrivals::at_once(1).held_up(ms(800), ms(400));
        let out = held.drive(|_| tokio::time::sleep(ms(1000))).await;
        assert_eq!(out, vec![((), ms(1200))], "drive holds the runtime up as it says");
    }

    #[tokio::test(start_paused = true)]
    async fn drive_hands_each_item_over_at_its_time() {
        let departures = Departures::new();
        let log = departures.clone();
        let out = Arrivals::bursts(&[(ms(0), 1), (ms(900), 2)])
            .drive(|i| {
                let log = log.clone();
                async move {
                    log.note();
                    tokio::time::sleep(ms(100)).await;
                    i * 10
                }
            })
            .await;
        assert_eq!(out, vec![(0, ms(100)), (10, ms(100)), (20, ms(100))]);
        assert_eq!(departures.times(), [ms(0), ms(900), ms(900)]);
        assert_eq!(departures.most_within(ms(900)), 2);
        assert_eq!(departures.per_window(ms(400)), "1 0 2");
    }
}
