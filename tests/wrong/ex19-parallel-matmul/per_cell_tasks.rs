//! Known wrong: one rayon task per cell of c, each a dot product walking down a column of b: pieces far too small, and the loop order that uses 8 bytes of each cache line.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: single-thread-efficiency: walks down a column of b, pulling in a 64-byte cache line
use rayon::prelude::*;

/// Multiplies `a` by `b`, every cell in parallel.
pub fn matmul(a: &Matrix, b: &Matrix) -> Result<Matrix, ShapeError> {
    if a.cols() != b.rows() {
        return Err(ShapeError {
            left: (a.rows(), a.cols()),
            right: (b.rows(), b.cols()),
        });
    }
    let (n, m, p) = (a.rows(), a.cols(), b.cols());
    let mut c = Matrix::zeros(n, p);
    if n == 0 || m == 0 || p == 0 {
        return Ok(c);
    }
    c.as_mut_slice()
        .par_iter_mut()
        .enumerate()
        .for_each(|(cell, c_ij)| {
            let (i, j) = (cell / p, cell % p);
            *c_ij = (0..m).map(|k| a.get(i, k) * b.get(k, j)).sum();
        });
    Ok(c)
}

use std::fmt;

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
