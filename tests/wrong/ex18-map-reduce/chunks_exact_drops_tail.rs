//! Known wrong: counts fixed 64 KB pieces with par_chunks_exact and forgets its remainder(), so the last len % 65536 bytes are never counted.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: exact-counts: Fewer bytes were counted than there are
use rayon::prelude::*;

const PIECE: usize = 1 << 16;

/// Counts each byte value of `data` in 64 KB pieces.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    // Exact pieces let the compiler unroll the inner loop.
    data.par_chunks_exact(PIECE)
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
