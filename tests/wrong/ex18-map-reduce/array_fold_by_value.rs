//! Known wrong: folds into a plain [u64; 256] accumulator returned by value from every step (2 KB moved per byte, the pitfall the boxed Histogram exists to avoid), then replays the totals into a Histogram.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: no-lock-in-the-hot-loop: something costly happens for every byte
use rayon::prelude::*;

/// Counts each byte value of `data` into plain arrays.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    let counts = data
        .par_iter()
        .fold(
            || [0u64; 256],
            |mut counts, &byte| {
                counts[usize::from(byte)] += 1;
                counts
            },
        )
        .reduce(
            || [0u64; 256],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    let mut h = Histogram::new();
    for (byte, &n) in (0..=255u8).zip(counts.iter()) {
        for _ in 0..n {
            h.add(byte);
        }
    }
    h
}

// ---------------------------------------------------------------------------
// Given: the histogram type. Nothing to change below this line.
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
