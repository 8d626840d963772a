//! Known wrong: counts with threads of its own (`std::thread::scope`, one per core), each into a histogram of its own, then merges them: right counts, parallel, but not on the pool it was called in, so the caller cannot say how many threads it gets (and the pool's threads sit idle).
//! expect-fail: runs-in-parallel: ran on threads outside the pool that called byte_histogram

use std::thread;

/// Counts each byte value of `data`, using the threads of the rayon pool
/// this is called in.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    let threads = thread::available_parallelism().map_or(4, |n| n.get());
    let piece = data.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(piece)
            .map(|chunk| {
                s.spawn(move || {
                    let mut histogram = Histogram::new();
                    for &byte in chunk {
                        histogram.add(byte);
                    }
                    histogram
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold(Histogram::new(), Histogram::merge)
    })
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
