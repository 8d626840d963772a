//! What a call costs the process, seen from outside it (Linux; elsewhere
//! the system does not say, and each reading is `None`): the threads it
//! created (those that ended at once included), the threads it left
//! running, and the memory it took at its peak.
//!
//! Code under check cannot fake these: they are the kernel's counts. A
//! thread with nothing to do ends in microseconds, so no look at the living
//! threads would see it; [`created_during`] counts it by the ids the kernel
//! handed out. A copy of data shows as the process's peak memory growing by
//! the copy's size ([`peak_memory`]).

use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The threads of this process started since a moment (Linux:
/// `/proc/self/task`; elsewhere the system does not say).
#[derive(Debug)]
pub struct Started {
    before: Option<HashSet<u64>>,
}

impl Default for Started {
    fn default() -> Started {
        Started::new()
    }
}

impl Started {
    /// Notes the threads there are now.
    pub fn new() -> Started {
        Started { before: tasks() }
    }

    /// How many threads started since [`Started::new`] are alive now, or
    /// `None` where the system does not say.
    pub fn alive(&self) -> Option<usize> {
        Some(tasks()?.difference(self.before.as_ref()?).count())
    }

    /// [`Started::alive`], asked until it is 0 or `patience` has passed: a
    /// thread that has returned its result still takes a moment to end.
    pub fn left_after(&self, patience: Duration) -> Option<usize> {
        let deadline = Instant::now() + patience;
        loop {
            let alive = self.alive()?;
            if alive == 0 || Instant::now() >= deadline {
                return Some(alive);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Runs `f` and says how many threads were created meanwhile, counted by
/// the kernel's thread ids (Linux), or `None` where it does not say. Ids are
/// handed out in turn to every thread and process of the machine (its pid
/// namespace), so the count is an upper bound of the threads `f` started:
/// an id found still alive in another process is left out, and the count
/// is exact when nothing else started one meanwhile, which a caller can
/// make likely by taking the least of a few runs. Threads that ended at
/// once are counted too, which no look at the living threads can promise.
pub fn created_during<T>(f: impl FnOnce() -> T) -> (T, Option<u64>) {
    // A thread of its own, joined (so it has ended), reads the next id.
    let probe = || std::thread::spawn(own_id).join().ok().flatten();
    let before = probe();
    let value = f();
    let after = probe();
    let created = before.zip(after).and_then(|(b, a)| {
        let others = (b + 1..a).take(OTHERS_LOOKED_AT).filter(|&id| of_another_process(id));
        a.checked_sub(b + 1)?.checked_sub(others.count() as u64)
    });
    (value, created)
}

/// What a verdict adds where [`created_during`] or [`Started::left_after`]
/// gave `None`: the threads a call starts were not counted, and it says so.
pub const NOT_COUNTED: &str =
    " (threads a call starts were not counted: this system does not say how many it starts)";

/// How many ids [`created_during`] looks up at most (a busy machine hands
/// out a few in the microseconds of a small call).
const OTHERS_LOOKED_AT: usize = 256;

/// Whether the thread with kernel id `id` is alive in another process
/// (`Tgid` is the process a thread belongs to); an ended one is not known.
fn of_another_process(id: u64) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{id}/status")) else {
        return false;
    };
    let tgid = status.lines().find_map(|l| l.strip_prefix("Tgid:")?.trim().parse::<u32>().ok());
    tgid.is_some_and(|tgid| tgid != std::process::id())
}

/// Runs `run` up to `tries` times until one created no more threads than
/// it says it should have (`run` returns its value and that number), and
/// returns that run's value with the threads it created beyond that: the
/// fewest of all tries, since other programs' threads and processes take
/// ids too ([`created_during`]); `None` where the system does not say. The
/// tries are spaced out (1 ms, 2 ms, 4 ms, … up to 50 ms apart), so that a
/// burst of another program's threads does not fall on all of them.
pub fn extra_threads<T>(tries: usize, mut run: impl FnMut() -> (T, u64)) -> (T, Option<u64>) {
    let mut once = || {
        let ((value, expected), created) = created_during(&mut run);
        (value, created.map(|c| c.saturating_sub(expected)))
    };
    let mut best = once();
    for attempt in 1..tries {
        if best.1.is_none_or(|extra| extra == 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis((1u64 << attempt.min(6)).min(50)));
        let next = once();
        if next.1 < best.1 {
            best = next;
        }
    }
    best
}

/// The kernel's id of the calling thread.
fn own_id() -> Option<u64> {
    std::fs::read_link("/proc/thread-self").ok()?.file_name()?.to_str()?.parse().ok()
}

fn tasks() -> Option<HashSet<u64>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(tasks.filter_map(|t| t.ok()?.file_name().to_str()?.parse().ok()).collect())
}

/// This process's peak memory so far, in bytes (`VmHWM`): what a copy of
/// data made during a call shows in, though the copy is freed by the end.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;

    #[test]
    fn threads_that_end_at_once_are_counted_too() {
        // Other tests start threads meanwhile: the least of a few runs.
        let least = (0..20)
            .filter_map(|_| {
                created_during(|| {
                    std::thread::scope(|s| {
                        for _ in 0..3 {
                            s.spawn(|| ());
                        }
                    })
                })
                .1
            })
            .min();
        if let Some(least) = least {
            assert_eq!(least, 3);
            assert!(created_during(|| ()).1.is_some());
        }
    }

    #[test]
    fn ids_alive_in_another_process_are_told_apart() {
        if let Some(me) = own_id() {
            assert!(!of_another_process(me));
            // Process 1 is alive wherever this runs, and is not this one.
            assert!(of_another_process(1));
        }
    }

    #[test]
    fn extra_threads_are_the_fewest_of_the_tries() {
        let spawn = |n: usize| std::thread::scope(|s| (0..n).for_each(|_| drop(s.spawn(|| ()))));
        let (value, extra) = extra_threads(20, || (spawn(3), 2));
        assert_eq!(value, ());
        if let Some(extra) = extra {
            assert_eq!(extra, 1);
            assert_eq!(extra_threads(20, || ((), 5)).1, Some(0));
        }
    }

    #[test]
    fn started_threads_are_counted_until_they_end() {
        // Other tests start threads meanwhile, so this one follows its own
        // thread by its task id.
        let started = Started::new();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let worker = std::thread::spawn(move || {
            let me = own_id();
            let _ = rx.recv();
            me
        });
        let alive = started.alive();
        drop(tx);
        let Ok(Some(tid)) = worker.join() else { return };
        assert!(alive >= Some(1), "{alive:?}");
        let deadline = Instant::now() + ms(500);
        while tasks().is_some_and(|t| t.contains(&tid)) && Instant::now() < deadline {
            std::thread::sleep(ms(5));
        }
        assert!(!tasks().unwrap_or_default().contains(&tid));
        assert!(started.left_after(ms(0)).is_some());
    }

    #[test]
    fn a_copy_shows_in_the_peak() {
        let Some(before) = peak_memory() else { return };
        let copy = std::hint::black_box(vec![7u8; 64 << 20]);
        let after = peak_memory().unwrap_or_default();
        drop(copy);
        // The peak holds the copy, whatever else ran before.
        assert!(after >= (64 << 20) && after >= before, "{before} -> {after}");
    }
}
