//! Known wrong: turns the serial byte iterator into a parallel one with par_bridge, so every single byte is handed out through a shared, locked iterator.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: no-lock-in-the-hot-loop: something costly happens for every byte
use rayon::iter::{ParallelBridge, ParallelIterator};

/// Counts each byte value of `data` with a bridged iterator.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    data.iter()
        .par_bridge()
        .fold(Histogram::new, |mut h, &byte| {
            h.add(byte);
            h
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
