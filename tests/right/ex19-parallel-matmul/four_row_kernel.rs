//! Known right: par_chunks_mut of 4 rows at a time, each loaded row of b feeding 4 rows of c (register reuse, safe Rust), with a plain i-k-j loop for the leftover rows.
//! Written blind: from the stub and the chapter, without reading the checks.
use rayon::prelude::*;

/// Multiplies `a` (n×m) by `b` (m×p) into a new n×p matrix, using the
/// threads of the rayon pool this is called in.
///
/// # Errors
/// [`ShapeError`] when `a.cols() != b.rows()`.
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
    let bs = b.as_slice();
    c.as_mut_slice()
        .par_chunks_mut(4 * p)
        .zip(a.as_slice().par_chunks(4 * m))
        .for_each(|(c_block, a_block)| {
            if c_block.len() == 4 * p {
                let (c0, rest) = c_block.split_at_mut(p);
                let (c1, rest) = rest.split_at_mut(p);
                let (c2, c3) = rest.split_at_mut(p);
                for k in 0..m {
                    let (x0, x1, x2, x3) = (
                        a_block[k],
                        a_block[m + k],
                        a_block[2 * m + k],
                        a_block[3 * m + k],
                    );
                    let b_row = &bs[k * p..(k + 1) * p];
                    for j in 0..p {
                        let v = b_row[j];
                        c0[j] += x0 * v;
                        c1[j] += x1 * v;
                        c2[j] += x2 * v;
                        c3[j] += x3 * v;
                    }
                }
            } else {
                for (c_row, a_row) in c_block.chunks_mut(p).zip(a_block.chunks(m)) {
                    for (k, &a_ik) in a_row.iter().enumerate() {
                        for (c_ij, &b_kj) in c_row.iter_mut().zip(&bs[k * p..(k + 1) * p]) {
                            *c_ij += a_ik * b_kj;
                        }
                    }
                }
            }
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
