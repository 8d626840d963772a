//! Known wrong: one piece per pool thread with div_ceil, but no floor of 1: an empty input asks par_chunks for chunks of 0 bytes and panics.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: exact-counts: chunk_size must not be zero
use rayon::prelude::*;

/// Counts each byte value of `data`: one piece per pool thread, times 8.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    let pieces = rayon::current_num_threads() * 8;
    let piece = data.len().div_ceil(pieces);
    data.par_chunks(piece)
        .map(|chunk| {
            let mut h = Histogram::new();
            for &byte in chunk {
                h.add(byte);
            }
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
