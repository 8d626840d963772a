//! Known wrong: counts on scoped threads of its own, one per core, instead of on the rayon pool it is called in.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: runs-in-parallel: ran on threads outside the pool that called byte_histogram
use std::thread;

/// Counts each byte value of `data`, one chunk per core.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = data.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|piece| {
                s.spawn(move || {
                    let mut h = Histogram::new();
                    for &byte in piece {
                        h.add(byte);
                    }
                    h
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a counting thread panicked"))
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
