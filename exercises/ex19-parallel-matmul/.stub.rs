//! # ex19 · Parallel matrix multiply
//!
//! Goal: write `matmul(&a, &b)`, the product of two matrices of `f64`,
//! computed on every thread of the rayon pool it is called in. A product
//! whose shapes do not fit (`a.cols() != b.rows()`) is an error you return,
//! not a panic.
//!
//! Python splits this job over processes (`ProcessPoolExecutor`), pickling
//! rows to the workers and results back. Threads in Rust share the matrices
//! in place: split the *output* into pieces (rows, or blocks of rows), and
//! each task writes its own piece while reading `a` and `b` freely. rayon's
//! `par_chunks_mut` hands out such disjoint pieces; the borrow checker proves
//! that no two tasks write to the same cell.
//!
//! What `kata check ex19` verifies:
//! - exact results (the entries are small whole numbers, so every sum is
//!   exact) for square, non-square, empty (0×n), 1×1 and prime sizes; a wrong
//!   cell is named;
//! - a shape mismatch returns `Err(ShapeError { .. })` with both shapes;
//! - the work is spread over the pool: at least 3 of its 4 threads each do
//!   at least 10% of the CPU work of a call, counted against all your
//!   process's CPU (threads of your own do not count as the pool's);
//! - on a pool of one thread, your code is at most 4× as slow as the plain
//!   i-k-j loop (loop order and cache lines matter more than threads);
//! - the speed-up of 4 threads over 1, judged only when the machine shows it
//!   can give one right now (otherwise "inconclusive", never a failure), with
//!   a chart of sequential against parallel time from n = 16 to 512 and the
//!   size where parallel starts to win;
//! - a medal, as a share of a tuned library's throughput (`matrixmultiply`)
//!   measured in the same run: bronze (correct and parallel), silver, gold.
//!
//! What it cannot see: how you split the work, as long as it is spread; and
//! nothing of speed beyond these ratios (a busy machine makes raw times
//! meaningless).
//!
//! Read: book/src/exercises/ex19-parallel-matmul.md
//! Check: cargo kata check ex19

use std::fmt;

/// Multiplies `a` (n×m) by `b` (m×p) into a new n×p matrix, using the
/// threads of the rayon pool this is called in.
///
/// # Errors
/// [`ShapeError`] when `a.cols() != b.rows()`.
pub fn matmul(a: &Matrix, b: &Matrix) -> Result<Matrix, ShapeError> {
    // TODO: return `Err(ShapeError { left: (a.rows(), a.cols()), right:
    // (b.rows(), b.cols()) })` when the shapes do not fit, before touching
    // any data. Then make an n×p matrix of zeros, split its rows among
    // rayon tasks (`use rayon::prelude::*;` and `par_chunks_mut`), and let
    // each task add up `a[i][k] * b[k][j]` for its rows, in the order i, k, j.
    let _ = (a, b);
    todo!()
}

// ---------------------------------------------------------------------------
// Given: the matrix type and the error. Nothing to change below this line.
// ---------------------------------------------------------------------------

/// A matrix of `f64`, stored row by row: the entry in row `i`, column `j` is
/// `as_slice()[i * cols + j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// A `rows`×`cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// A `rows`×`cols` matrix of the given entries, row by row.
    ///
    /// # Panics
    /// If `data.len() != rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f64>) -> Matrix {
        assert_eq!(
            data.len(),
            rows * cols,
            "a {rows}×{cols} matrix needs {} entries",
            rows * cols
        );
        Matrix { rows, cols, data }
    }

    /// A `rows`×`cols` matrix whose entry `(i, j)` is `f(i, j)`.
    pub fn from_fn(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> f64) -> Matrix {
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                data.push(f(i, j));
            }
        }
        Matrix { rows, cols, data }
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The entry in row `i`, column `j`.
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        assert!(
            i < self.rows && j < self.cols,
            "({i}, {j}) is outside a {}×{} matrix",
            self.rows,
            self.cols
        );
        self.data[i * self.cols + j]
    }

    /// Row `i`, as a slice of `cols` entries.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Every entry, row by row.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// Every entry, row by row, for writing.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.data
    }

    /// The entries, row by row, without copying them.
    pub fn into_vec(self) -> Vec<f64> {
        self.data
    }
}

/// Two matrices that cannot be multiplied: the left one's column count
/// differs from the right one's row count. Shapes are `(rows, cols)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeError {
    pub left: (usize, usize),
    pub right: (usize, usize),
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot multiply a {}×{} matrix by a {}×{} one: the left one's columns must match the right one's rows",
            self.left.0, self.left.1, self.right.0, self.right.1
        )
    }
}

impl std::error::Error for ShapeError {}
