//! Known wrong: one counter slot per pool thread, all in one array of atomics, a thread's 256 counters interleaved with the others' (`counts[byte * threads + me]`): nothing is contended in name, but neighbouring threads' counters share cache lines, which the cores pass back and forth on every byte (false sharing), and every count is an atomic read-modify-write.
//! expect-fail: no-lock-in-the-hot-loop: counters of different threads side by side in one array

use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts each byte value of `data`, using the threads of the rayon pool
/// this is called in.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    let threads = rayon::current_num_threads();
    // Each thread its own slot: no two threads ever add to the same counter.
    let counts: Vec<AtomicU64> = (0..256 * threads).map(|_| AtomicU64::new(0)).collect();
    let piece = data.len().div_ceil(threads).max(1);
    data.par_chunks(piece).for_each(|chunk| {
        let me = rayon::current_thread_index().unwrap_or(0);
        for &byte in chunk {
            counts[usize::from(byte) * threads + me].fetch_add(1, Ordering::Relaxed);
        }
    });
    let mut histogram = Histogram::new();
    for byte in 0..=255u8 {
        let total: u64 = (0..threads)
            .map(|t| counts[usize::from(byte) * threads + t].load(Ordering::Relaxed))
            .sum();
        for _ in 0..total {
            histogram.add(byte);
        }
    }
    histogram
}

// ---------------------------------------------------------------------------
// Given in the exercise: the histogram type, unchanged.
// ---------------------------------------------------------------------------

/// How many times each byte value occurs: 256 counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram {
    // Boxed, so that moving a histogram (as `fold` and `reduce` do with
    // their accumulators) moves a pointer, not 2 KB.
    counts: Box<[u64; 256]>,
}

impl Histogram {
    /// All counts zero.
    pub fn new() -> Histogram {
        Histogram {
            counts: Box::new([0; 256]),
        }
    }

    /// Counts one more `byte`.
    pub fn add(&mut self, byte: u8) {
        self.counts[usize::from(byte)] += 1;
    }

    /// The sum of two histograms.
    pub fn merge(mut self, other: Histogram) -> Histogram {
        for (count, more) in self.counts.iter_mut().zip(other.counts.iter()) {
            *count += more;
        }
        self
    }

    /// How many times `byte` was counted.
    pub fn count(&self, byte: u8) -> u64 {
        self.counts[usize::from(byte)]
    }

    /// Every count, indexed by byte value.
    pub fn counts(&self) -> &[u64; 256] {
        &self.counts
    }

    /// The number of bytes counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram::new()
    }
}
