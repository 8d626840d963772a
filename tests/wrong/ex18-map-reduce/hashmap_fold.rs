//! Known wrong: folds into a HashMap<u8, u64> per task (Counter-style) and builds the Histogram at the end: a hash and an entry lookup per byte.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: no-lock-in-the-hot-loop: a HashMap entry per byte hashes where an array index would do
use rayon::prelude::*;
use std::collections::HashMap;

/// Counts each byte value of `data`, like Python's Counter.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    let counts: HashMap<u8, u64> = data
        .par_iter()
        .fold(HashMap::new, |mut counter: HashMap<u8, u64>, &byte| {
            *counter.entry(byte).or_insert(0) += 1;
            counter
        })
        .reduce(HashMap::new, |mut a, b| {
            for (byte, n) in b {
                *a.entry(byte).or_insert(0) += n;
            }
            a
        });
    let mut h = Histogram::new();
    for (byte, n) in counts {
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
