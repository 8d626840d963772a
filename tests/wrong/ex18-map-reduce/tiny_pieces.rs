//! Known wrong: the right fold and reduce, but with `with_max_len(64)` "so that every thread gets work": every 64 bytes are a piece of their own, and every piece starts a new Histogram (256 counters allocated and zeroed, then merged) to count 64 bytes.
//! expect-fail: no-lock-in-the-hot-loop: pieces of a few bytes

use rayon::prelude::*;

/// Counts each byte value of `data`, using the threads of the rayon pool
/// this is called in.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    data.par_iter()
        .with_max_len(64)
        .fold(Histogram::new, |mut histogram, &byte| {
            histogram.add(byte);
            histogram
        })
        .reduce(Histogram::new, Histogram::merge)
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
