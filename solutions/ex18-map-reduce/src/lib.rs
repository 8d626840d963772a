//! # ex18 · Map-reduce — reference solution
//!
//! `fold` then `reduce`, the shape of every map-reduce: rayon splits `data`
//! into pieces as threads come free; `fold` counts one piece into a
//! histogram of its own (one per task, not one per byte), and `reduce`
//! merges the per-task histograms pairwise. No thread ever touches another's
//! counters while counting, so there is nothing to lock and no cache line
//! for the cores to pass back and forth. The merges cost 256 additions
//! each, once per task: nothing next to millions of bytes.

use rayon::prelude::*;

/// Counts each byte value of `data`, using the threads of the rayon pool
/// this is called in.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    // Pieces of 64 KB (`with_min_len`): rayon still splits as it likes above
    // that, but never down to a handful of bytes, where starting a new
    // histogram for a piece would cost more than counting it. The input's
    // cache lines are read once each, by one thread.
    data.par_iter()
        .with_min_len(1 << 16)
        .fold(Histogram::new, |mut histogram, &byte| {
            histogram.add(byte);
            histogram
        })
        // `reduce` needs an identity for pieces that come out empty: the
        // empty histogram, which adds nothing when merged.
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
