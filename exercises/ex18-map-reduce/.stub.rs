//! # ex18 · Map-reduce
//!
//! Goal: write `byte_histogram(data)`, which counts how many times each of
//! the 256 byte values occurs in `data` (the first pass of a compressor, or
//! of a file-type sniffer), using every thread of the rayon pool it is
//! called in.
//!
//! In Python this is `multiprocessing.Pool.map` over chunks of the file and
//! a sum of the partial counts at the end: every worker counts its own chunk
//! and shares nothing until then. rayon says the same in two words: `fold`
//! counts into one histogram per task, `reduce` merges those histograms. The
//! threads share only the input, read-only, and never wait for each other.
//!
//! What `kata check ex18` verifies:
//! - exact counts, for empty input, one byte, every byte value, long runs of
//!   one byte and a few megabytes of text; a wrong count is named;
//! - the work is spread over the pool: at least 3 of its 4 threads each do
//!   at least 10% of the CPU work of a call, counted against all your
//!   process's CPU (threads of your own do not count as the pool's);
//! - nothing shared in the hot loop: your code may use at most 1.5× the CPU
//!   time of a plain fold/reduce for the same bytes, on the same pool. A
//!   lock, an atomic or a hash-map entry per byte costs several times that.
//!
//! What it cannot see: how you split the input, and how fast you are beyond
//! that ratio.
//!
//! Read: book/src/exercises/ex18-map-reduce.md
//! Check: cargo kata check ex18

/// Counts each byte value of `data`, using the threads of the rayon pool
/// this is called in.
pub fn byte_histogram(data: &[u8]) -> Histogram {
    // TODO: `use rayon::prelude::*;`, then walk `data` in parallel: fold the
    // bytes into one `Histogram` per task (`Histogram::new` and
    // `Histogram::add`), and reduce those into one (`Histogram::merge`).
    // Share nothing between the tasks while they count.
    let _ = data;
    todo!()
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
