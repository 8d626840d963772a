//! Instruments that checks hand to learner code, so that what is judged is
//! counted by the check, never reported by the code under test.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// Counts how many callers are inside a region at once, and the most ever.
#[derive(Default, Debug)]
pub struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicUsize,
}

impl Gauge {
    pub const fn new() -> Gauge {
        Gauge { now: AtomicUsize::new(0), peak: AtomicUsize::new(0), total: AtomicUsize::new(0) }
    }

    /// Enters the region until the guard is dropped.
    pub fn enter(&self) -> GaugeGuard<'_> {
        self.arrive();
        GaugeGuard { gauge: self }
    }

    /// One more inside; [`Gauge::leave`] must follow.
    fn arrive(&self) {
        // Ordering: SeqCst keeps "now" and "peak" in one total order, so the
        // peak can never miss an overlap that really happened.
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    /// The largest number ever inside at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// How many entries there were in all.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
}

pub struct GaugeGuard<'a> {
    gauge: &'a Gauge,
}

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.gauge.leave();
    }
}

/// Things in memory, counted by the things themselves: each holds a
/// [`Life`] from [`Lives::begin`], which counts it in, and out when the
/// life is dropped. A life can move from one thing to what replaces it (a
/// record to its output), so it is counted once all along.
#[derive(Default, Debug)]
pub struct Lives {
    alive: Gauge,
    ended: Mutex<Vec<(Instant, Instant)>>,
}

/// One thing's life: see [`Lives`].
#[derive(Debug)]
pub struct Life {
    lives: Arc<Lives>,
    born: Instant,
}

impl Lives {
    /// A life that begins now.
    pub fn begin(self: &Arc<Lives>) -> Life {
        self.alive.arrive();
        Life { lives: Arc::clone(self), born: Instant::now() }
    }

    /// The most alive at once.
    pub fn peak(&self) -> usize {
        self.alive.peak()
    }

    /// Each ended life, from its beginning to its end.
    pub fn lives(&self) -> Vec<(Instant, Instant)> {
        self.ended.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Life {
    fn drop(&mut self) {
        let span = (self.born, Instant::now());
        let lives = &self.lives;
        lives.ended.lock().unwrap_or_else(|e| e.into_inner()).push(span);
        lives.alive.leave();
    }
}

/// The distinct threads that ran some code.
#[derive(Default, Debug)]
pub struct Threads {
    seen: Mutex<HashSet<ThreadId>>,
}

impl Threads {
    pub fn new() -> Threads {
        Threads::default()
    }

    /// Records the calling thread.
    pub fn record(&self) {
        let id = std::thread::current().id();
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(id);
    }

    /// How many distinct threads were recorded.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether the given thread was recorded.
    pub fn contains(&self, id: ThreadId) -> bool {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).contains(&id)
    }
}

/// A count that the code under check's calls add to and wait on, for calls
/// that must run at the same time: each waits (up to one deadline) until
/// enough have arrived, which only code running them at once can satisfy.
/// All waits end at the one deadline, fixed when the meeting is made, so
/// code that runs the calls one after another costs the check the patience
/// once, not once per call.
pub struct Meeting {
    count: Mutex<usize>,
    changed: Condvar,
    deadline: Instant,
}

impl Meeting {
    /// A meeting whose waits all end `patience` from now.
    pub fn new(patience: Duration) -> Arc<Meeting> {
        Arc::new(Meeting {
            count: Mutex::new(0),
            changed: Condvar::new(),
            deadline: Instant::now() + patience,
        })
    }

    /// Counts one more arrival and wakes every waiter.
    pub fn add(&self) {
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.changed.notify_all();
    }

    /// Waits until the count reaches `n` or the deadline passes, and returns
    /// the count.
    pub fn wait_for(&self, n: usize) -> usize {
        let count = self.count.lock().unwrap_or_else(|e| e.into_inner());
        let left = self.deadline.saturating_duration_since(Instant::now());
        let (count, _) = self
            .changed
            .wait_timeout_while(count, left, |count| *count < n)
            .unwrap_or_else(|e| e.into_inner());
        *count
    }

    /// Arrives, then waits for `n` arrivals in all (or the deadline), and
    /// returns the count.
    pub fn meet(&self, n: usize) -> usize {
        self.add();
        self.wait_for(n)
    }
}

/// The ids of the process's threads now (Linux: `/proc/self/task`), or
/// `None` where the system does not say.
fn thread_ids() -> Option<HashSet<u64>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let ids = tasks.filter_map(|task| task.ok()?.file_name().to_str()?.parse().ok());
    Some(ids.collect())
}

/// The most threads that were alive at once, of those started since it was
/// made, as seen by [`ThreadPeak::look`] (Linux; elsewhere the system does
/// not say). Read while code under check runs, it tells threads that exist
/// but take turns (a lock around the work) from threads that never existed
/// at once (each joined right after its spawn). Threads are told apart by
/// id, so threads that were there before and end meanwhile change nothing.
#[derive(Debug)]
pub struct ThreadPeak {
    before: Option<HashSet<u64>>,
    peak: AtomicUsize,
}

impl ThreadPeak {
    /// Notes the threads there are now, to count the ones started later.
    pub fn new() -> ThreadPeak {
        ThreadPeak { before: thread_ids(), peak: AtomicUsize::new(0) }
    }

    /// Looks at how many of the threads started since are alive now.
    pub fn look(&self) {
        if let (Some(before), Some(now)) = (&self.before, thread_ids()) {
            let started = now.difference(before).count();
            // Ordering: a maximum read after the threads were joined.
            self.peak.fetch_max(started, Ordering::Relaxed);
        }
    }

    /// The most threads started since that were alive at once, or `None`
    /// where the system does not say.
    pub fn peak(&self) -> Option<usize> {
        self.before.as_ref()?;
        Some(self.peak.load(Ordering::Relaxed))
    }
    /// Runs `f` on this thread while a thread of the check's own looks
    /// every `every`: the most threads that `f` started and had alive at
    /// once (`None` where the system does not say). The looking thread is
    /// started first, so it is not one of them.
    pub fn during<T>(every: Duration, f: impl FnOnce() -> T) -> (T, Option<usize>) {
        let (peak_tx, peak_rx) = std::sync::mpsc::channel::<Arc<ThreadPeak>>();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let looker = std::thread::Builder::new().name("kata-thread-peak".into()).spawn(move || {
            if let Ok(peak) = peak_rx.recv() {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stop_rx.recv_timeout(every)
                {
                    peak.look();
                }
            }
        });
        let peak = Arc::new(ThreadPeak::new());
        let _ = peak_tx.send(Arc::clone(&peak));
        let value = f();
        peak.look();
        drop(stop_tx);
        if let Ok(looker) = looker {
            let _ = looker.join();
        }
        (value, peak.peak())
    }
}

impl Default for ThreadPeak {
    fn default() -> ThreadPeak {
        ThreadPeak::new()
    }
}

/// The mean of `durations`, zero for none.
pub fn mean(durations: impl IntoIterator<Item = Duration>) -> Duration {
    let (sum, n) = durations.into_iter().fold((Duration::ZERO, 0u32), |(s, n), d| (s + d, n + 1));
    sum.checked_div(n).unwrap_or_default()
}

/// The most of the sorted `starts` within any half-open interval
/// `[t, t + window)`: two starts exactly one window apart are not together.
/// What a rate limit of so many per window is held to (a two-pointer sweep).
pub fn max_in_window(starts: &[Duration], window: Duration) -> usize {
    let mut best = 0;
    let mut first = 0;
    for (last, &t) in starts.iter().enumerate() {
        while first <= last && t.saturating_sub(starts[first]) >= window {
            first += 1;
        }
        best = best.max(last + 1 - first);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;

    #[test]
    fn lives_count_what_is_alive_and_keep_each_span() {
        let lives = Arc::new(Lives::default());
        let (a, b) = (lives.begin(), lives.begin());
        drop(a);
        let c = lives.begin();
        assert_eq!(lives.peak(), 2);
        assert_eq!(lives.lives().len(), 1);
        drop((b, c));
        let ended = lives.lives();
        assert!(ended.len() == 3 && ended.iter().all(|(born, end)| born <= end));
    }

    #[test]
    fn threads_started_during_a_call_are_counted() {
        // The threads are still alive when the call returns, so the last
        // look (right after it) sees all three, however the looker ran.
        let ((tx, workers), peak) = ThreadPeak::during(ms(1), || {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let rx = Arc::new(Mutex::new(rx));
            let workers: Vec<_> = (0..3)
                .map(|_| {
                    let rx = Arc::clone(&rx);
                    std::thread::spawn(move || {
                        let _ = rx.lock().unwrap().recv();
                    })
                })
                .collect();
            (tx, workers)
        });
        drop(tx);
        assert!(workers.into_iter().all(|w| w.join().is_ok()));
        if cfg!(target_os = "linux") {
            assert_eq!(peak, Some(3));
        }
    }

    #[test]
    fn mean_of_none_is_zero() {
        assert_eq!(mean([ms(10), ms(20), ms(60)]), ms(30));
        assert_eq!(mean(Vec::new()), Duration::ZERO);
    }

    #[test]
    fn gauge_tracks_the_peak_not_the_total() {
        let gauge = Gauge::new();
        {
            let _a = gauge.enter();
            let _b = gauge.enter();
        }
        let _c = gauge.enter();
        assert_eq!(gauge.peak(), 2);
        assert_eq!(gauge.total(), 3);
    }

    #[test]
    fn threads_are_counted_once_each() {
        let threads = Threads::new();
        threads.record();
        threads.record();
        std::thread::scope(|s| {
            s.spawn(|| threads.record());
        });
        assert_eq!(threads.count(), 2);
    }

    #[test]
    fn a_meeting_is_met_only_by_calls_at_once() {
        let meeting = Meeting::new(Duration::from_secs(5));
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| assert_eq!(meeting.meet(3), 3));
            }
        });
        // One after another, each waits until the (short) deadline, once.
        let alone = Meeting::new(Duration::from_millis(30));
        assert_eq!(alone.meet(2), 1);
        assert_eq!(alone.meet(3), 2, "the deadline passed: no more waiting");
    }

    #[test]
    fn thread_peak_sees_threads_that_exist_at_once() {
        let peak = ThreadPeak::new();
        let Some(_) = peak.peak() else {
            return; // the system does not say
        };
        let meeting = Meeting::new(Duration::from_secs(5));
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    meeting.meet(3);
                    peak.look();
                    // Nobody leaves before all have looked.
                    meeting.meet(6);
                });
            }
        });
        // Other tests' threads may come and go meanwhile: at least these 3.
        assert!(peak.peak().unwrap() >= 3, "{:?}", peak.peak());
    }

    #[test]
    fn max_in_window_is_the_densest_half_open_interval() {
        let w = ms(1000);
        assert_eq!(max_in_window(&[], w), 0);
        assert_eq!(max_in_window(&[ms(5)], w), 1);
        // Exactly one window apart: not in the same interval.
        assert_eq!(max_in_window(&[ms(0), ms(1000)], w), 1);
        assert_eq!(max_in_window(&[ms(0), ms(999)], w), 2);
        let starts = [ms(0), ms(100), ms(200), ms(1100), ms(1150), ms(1199), ms(1200)];
        // [200, 1200) holds 200, 1100, 1150, 1199.
        assert_eq!(max_in_window(&starts, w), 4);
        assert_eq!(max_in_window(&starts, Duration::ZERO), 0);
    }
}
