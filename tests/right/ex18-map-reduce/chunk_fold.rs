//! Known right: `par_chunks` of 64 KB, each chunk counted by a plain sequential `fold` into a histogram of its own, the histograms merged with `reduce`: map-reduce over chunks instead of over bytes.

use rayon::prelude::*;

/// Counts each byte value of `data`, using the threads of the rayon pool
/// this is called in.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    data.par_chunks(1 << 16)
        .map(|chunk| {
            chunk.iter().fold(Histogram::new(), |mut histogram, &byte| {
                histogram.add(byte);
                histogram
            })
        })
        .reduce(Histogram::new, Histogram::merge)
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
