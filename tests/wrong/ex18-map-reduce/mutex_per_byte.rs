//! Known wrong: every thread locks one shared Mutex<HashMap> for every byte: correct counts, a lock per item in the hot loop.
//! expect-fail: no-lock-in-the-hot-loop: something costly happens for every byte

use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Mutex;

pub fn byte_histogram(data: &[u8]) -> Histogram {
    let counts: Mutex<HashMap<u8, u64>> = Mutex::new(HashMap::new());
    data.par_iter().for_each(|&byte| {
        *counts.lock().unwrap().entry(byte).or_insert(0) += 1;
    });
    let mut histogram = Histogram::new();
    for (byte, count) in counts.into_inner().unwrap() {
        for _ in 0..count {
            histogram.add(byte);
        }
    }
    histogram
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
