//! How many items are inside a container, counted from outside it.
//!
//! A bounded queue, a channel, a buffered stage promise to hold at most so
//! many items, and what they say about themselves (`len()`) is learner code.
//! [`Inside`] is the check's own count, kept beside the container: +1 after
//! each put *returns* ([`Inside::added`]), −1 before each take *begins*
//! ([`Inside::removing`]). A put counted has taken effect, and a take not
//! yet begun has not, so the count is never above what the container really
//! holds: a count above the bound is proof that the bound was broken.
//! (It may read below, even below zero, while takes wait for puts.)
//!
//! Works on real threads and under a model checker alike (std atomics: a
//! model checker runs its threads one at a time on one OS thread).

use std::sync::atomic::{AtomicIsize, Ordering};

/// The check's count of the items inside a container, and its peak.
#[derive(Debug, Default)]
pub struct Inside {
    now: AtomicIsize,
    peak: AtomicIsize,
}

impl Inside {
    pub const fn new() -> Inside {
        Inside { now: AtomicIsize::new(0), peak: AtomicIsize::new(0) }
    }

    /// A put has returned: one more item inside. The count after it.
    pub fn added(&self) -> isize {
        // Ordering: SeqCst, so that the peak is of one order of all counts.
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        now
    }

    /// A take is about to begin: one item fewer, at most. The count after it.
    pub fn removing(&self) -> isize {
        self.now.fetch_sub(1, Ordering::SeqCst) - 1
    }

    /// The count now.
    pub fn now(&self) -> isize {
        self.now.load(Ordering::SeqCst)
    }

    /// The most the count read at once: at most the most the container held.
    pub fn peak(&self) -> usize {
        usize::try_from(self.peak.load(Ordering::SeqCst)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::{Condvar, Mutex};

    /// A queue that holds at most `room` items.
    struct Queue {
        items: Mutex<VecDeque<u32>>,
        changed: Condvar,
        room: usize,
    }

    impl Queue {
        fn put(&self, item: u32) {
            let mut items = self.items.lock().unwrap();
            while items.len() >= self.room {
                items = self.changed.wait(items).unwrap();
            }
            items.push_back(item);
            self.changed.notify_all();
        }
        fn take(&self) -> u32 {
            let mut items = self.items.lock().unwrap();
            loop {
                if let Some(item) = items.pop_front() {
                    self.changed.notify_all();
                    return item;
                }
                items = self.changed.wait(items).unwrap();
            }
        }
    }

    fn run(room: usize) -> usize {
        let queue = Queue { items: Mutex::default(), changed: Condvar::new(), room };
        let inside = Inside::new();
        std::thread::scope(|s| {
            s.spawn(|| {
                for i in 0..500 {
                    queue.put(i);
                    inside.added();
                }
            });
            s.spawn(|| {
                for _ in 0..500 {
                    inside.removing();
                    queue.take();
                }
            });
        });
        assert_eq!(inside.now(), 0);
        inside.peak()
    }

    #[test]
    fn the_count_never_exceeds_what_is_inside() {
        assert!(run(3) <= 3);
    }

    #[test]
    fn a_queue_with_no_bound_reads_over() {
        // Five puts with no take between them read 5, whatever the queue
        // says about itself.
        let inside = Inside::new();
        for _ in 0..5 {
            inside.added();
        }
        assert_eq!(inside.removing(), 4);
        assert_eq!((inside.peak(), inside.now()), (5, 4));
        assert!(run(usize::MAX) <= 500);
    }
}
