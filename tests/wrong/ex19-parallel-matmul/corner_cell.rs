//! Known wrong: a 2×2 register-blocked kernel whose leftover row and leftover column both skip the corner: one wrong cell, (30, 40) of the 31×37 by 37×41 product.
//! expect-fail: exact-results: cell (30, 40) is
//! expect-fail: exact-results: Only the last cell is wrong

use rayon::prelude::*;
use std::fmt;

pub fn matmul(a: &Matrix, b: &Matrix) -> Result<Matrix, ShapeError> {
    if a.cols() != b.rows() {
        return Err(ShapeError {
            left: (a.rows(), a.cols()),
            right: (b.rows(), b.cols()),
        });
    }
    let (n, m, p) = (a.rows(), a.cols(), b.cols());
    let mut c = Matrix::zeros(n, p);
    if n == 0 || p == 0 {
        return Ok(c);
    }
    // Small products take the simple loop.
    if n * m * p < 4096 {
        let out = c.as_mut_slice();
        for i in 0..n {
            for k in 0..m {
                for j in 0..p {
                    out[i * p + j] += a.get(i, k) * b.get(k, j);
                }
            }
        }
        return Ok(c);
    }
    let (even_n, even_p) = (n / 2 * 2, p / 2 * 2);
    // Pairs of rows, each pair a task.
    c.as_mut_slice()
        .par_chunks_mut(2 * p)
        .enumerate()
        .for_each(|(pair, rows)| {
            let i = 2 * pair;
            if i + 1 < n {
                for j in (0..even_p).step_by(2) {
                    let (mut c00, mut c01, mut c10, mut c11) = (0.0, 0.0, 0.0, 0.0);
                    for k in 0..m {
                        let (a0, a1) = (a.get(i, k), a.get(i + 1, k));
                        let (b0, b1) = (b.get(k, j), b.get(k, j + 1));
                        c00 += a0 * b0;
                        c01 += a0 * b1;
                        c10 += a1 * b0;
                        c11 += a1 * b1;
                    }
                    rows[j] = c00;
                    rows[j + 1] = c01;
                    rows[p + j] = c10;
                    rows[p + j + 1] = c11;
                }
            }
            // The leftover column, for the rows of full pairs.
            if even_p < p && i + 1 < n {
                for r in 0..2 {
                    rows[r * p + p - 1] = (0..m).map(|k| a.get(i + r, k) * b.get(k, p - 1)).sum();
                }
            }
            // The leftover row, for the columns of full pairs.
            if i == even_n {
                for j in 0..even_p {
                    rows[j] = (0..m).map(|k| a.get(i, k) * b.get(k, j)).sum();
                }
            }
        });
    Ok(c)
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
