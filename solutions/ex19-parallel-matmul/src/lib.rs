//! # ex19 · Parallel matrix multiply — reference solution
//!
//! Three ideas, in the order they pay:
//!
//! 1. **Split the output, share the inputs.** Each rayon task owns a block of
//!    rows of the result (`par_chunks_mut` hands out disjoint `&mut` pieces)
//!    and reads `a` and `b` through shared references. No locks, no copies
//!    of the inputs per worker (Python's process pool pickles them).
//! 2. **Walk memory the way it is laid out.** Row-major storage puts
//!    `b[k][j]` and `b[k][j + 1]` side by side, and `b[k][j]` and
//!    `b[k + 1][j]` a whole row apart. The loop order i, k, j reads rows of
//!    `b` and `c` left to right, so every 64-byte cache line fetched is used
//!    in full; i, j, k walks down columns of `b` and uses 8 bytes of each.
//! 3. **Keep a block of the result in registers.** The kernel below keeps a
//!    6×8 block of `c` in twelve 256-bit registers for a whole pass over `k`,
//!    so each value loaded from `a` or `b` feeds 8 or 6 multiply-adds instead
//!    of 1. The inputs are first copied ("packed") into the order the kernel
//!    reads them, so it streams through memory without striding.
//!
//! The kernel uses AVX2 and FMA instructions when the CPU running the
//! program has them, detected at run time (`is_x86_feature_detected!`), and
//! a portable kernel otherwise: one binary, right for every x86-64 CPU and
//! for other architectures. No `-C target-cpu=native` needed.
//!
//! With small whole-number entries every sum is exact, so the AVX2 kernel's
//! fused multiply-add (one rounding instead of two) and the portable kernel
//! give bit-identical results; with arbitrary `f64`s they would differ in the
//! last bits, as any two summation orders do.

use rayon::prelude::*;
use std::fmt;

/// Rows of the register block: how many rows of `c` a kernel call computes.
const MR: usize = 6;
/// Columns of the register block (two AVX2 registers of 4 `f64` each).
const NR: usize = 8;
/// Depth of a pass over `k`: a packed 6×256 strip of `a` (12 KB) and a packed
/// 256×8 panel of `b` (16 KB) stay in the core's L1 cache together.
const KC: usize = 256;
/// Rows of `c` per rayon task: 4 register blocks. At n = 1024 that makes 43
/// tasks, plenty for rayon to balance over the pool; a task is small enough
/// that a busy core holding one does not hold up the others for long.
const ROWS_PER_TASK: usize = 4 * MR;

/// Multiplies `a` (n×m) by `b` (m×p) into a new n×p matrix, using the
/// threads of the rayon pool this is called in.
///
/// # Errors
/// [`ShapeError`] when `a.cols() != b.rows()`.
pub fn matmul(a: &Matrix, b: &Matrix) -> Result<Matrix, ShapeError> {
    // Check the shapes first: every index below relies on them.
    if a.cols() != b.rows() {
        return Err(ShapeError {
            left: (a.rows(), a.cols()),
            right: (b.rows(), b.cols()),
        });
    }
    let (n, m, p) = (a.rows(), a.cols(), b.cols());
    let mut c = Matrix::zeros(n, p);
    // An empty product (n or p is 0) has no cells; an empty sum (m is 0)
    // is 0 in every cell. Either way, the zeros are the answer.
    if n == 0 || m == 0 || p == 0 {
        return Ok(c);
    }
    let kernel = Kernel::detect();
    let b_panels = pack_b(b);
    // Each task gets ROWS_PER_TASK rows of `c` and the same rows of `a`.
    // The chunks of `c` are disjoint `&mut [f64]`s: no task can touch
    // another's rows, which is what makes this free of data races.
    c.as_mut_slice()
        .par_chunks_mut(ROWS_PER_TASK * p)
        .zip(a.as_slice().par_chunks(ROWS_PER_TASK * m))
        .for_each(|(c_rows, a_rows)| multiply_rows(kernel, a_rows, m, &b_panels, c_rows, p));
    Ok(c)
}

/// Copies `b` (m×p) into panels of NR columns, one after another; inside a
/// panel, the NR entries of row `k` are consecutive, then those of row
/// `k + 1`. The last panel is padded with zeros. The kernel then reads a
/// panel front to back, one cache line per `k`, instead of jumping a whole
/// row of `b` for each `k`.
fn pack_b(b: &Matrix) -> Vec<f64> {
    let (m, p) = (b.rows(), b.cols());
    let mut panels = vec![0.0; p.div_ceil(NR) * m * NR];
    // Packing is O(m·p) against the product's O(n·m·p), but it is still
    // worth spreading: the panels are disjoint, so this is race-free too.
    panels
        .par_chunks_mut(m * NR)
        .enumerate()
        .for_each(|(panel, out)| {
            let j0 = panel * NR;
            let width = NR.min(p - j0);
            for (k, out_row) in out.chunks_exact_mut(NR).enumerate() {
                out_row[..width].copy_from_slice(&b.row(k)[j0..j0 + width]);
            }
        });
    panels
}

/// Computes `c_rows += a_rows × b` for one task's block of rows.
fn multiply_rows(
    kernel: Kernel,
    a_rows: &[f64],
    m: usize,
    b_panels: &[f64],
    c_rows: &mut [f64],
    p: usize,
) {
    let rows = c_rows.len() / p;
    let strips = rows.div_ceil(MR);
    let mut a_packed = vec![0.0; strips * MR * KC.min(m)];
    for k0 in (0..m).step_by(KC) {
        let depth = KC.min(m - k0);
        let a_packed = &mut a_packed[..strips * MR * depth];
        pack_a(a_rows, m, rows, k0, depth, a_packed);
        for (panel, b_panel) in b_panels.chunks_exact(m * NR).enumerate() {
            let b_block = &b_panel[k0 * NR..(k0 + depth) * NR];
            let j0 = panel * NR;
            let width = NR.min(p - j0);
            for (strip, a_strip) in a_packed.chunks_exact(MR * depth).enumerate() {
                let mut block = [[0.0; NR]; MR];
                kernel.run(a_strip, b_block, &mut block);
                // Add the block to `c`, leaving out the padding rows and
                // columns of the last strip and panel.
                let i0 = strip * MR;
                for (i, block_row) in block.iter().enumerate().take(rows - i0) {
                    let c_row = &mut c_rows[(i0 + i) * p + j0..][..width];
                    for (c, x) in c_row.iter_mut().zip(block_row) {
                        *c += x;
                    }
                }
            }
        }
    }
}

/// Copies columns `k0..k0 + depth` of `a_rows` into strips of MR rows in
/// which the MR entries of one `k` are consecutive: the order the kernel
/// reads them. Rows past the end of the block are zeros.
fn pack_a(a_rows: &[f64], m: usize, rows: usize, k0: usize, depth: usize, out: &mut [f64]) {
    for (strip, out) in out.chunks_exact_mut(MR * depth).enumerate() {
        for r in 0..MR {
            let i = strip * MR + r;
            if i < rows {
                let a_row = &a_rows[i * m + k0..i * m + k0 + depth];
                for (k, &x) in a_row.iter().enumerate() {
                    out[k * MR + r] = x;
                }
            } else {
                for k in 0..depth {
                    out[k * MR + r] = 0.0;
                }
            }
        }
    }
}

/// The register-block kernel this CPU can run, chosen once per product.
#[derive(Clone, Copy)]
enum Kernel {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2Fma,
}

impl Kernel {
    /// The fastest kernel this CPU supports. `is_x86_feature_detected!`
    /// asks the CPU (the answer is cached by std, so this is cheap).
    fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return Kernel::Avx2Fma;
        }
        Kernel::Portable
    }

    /// `block = a_strip × b_block`: `a_strip` is `depth` groups of MR
    /// entries, `b_block` is `depth` groups of NR entries.
    fn run(self, a_strip: &[f64], b_block: &[f64], block: &mut [[f64; NR]; MR]) {
        match self {
            Kernel::Portable => kernel_portable(a_strip, b_block, block),
            #[cfg(target_arch = "x86_64")]
            // Safety: `Avx2Fma` is only ever made by `detect`, after
            // `is_x86_feature_detected!` confirmed that this CPU has AVX2 and
            // FMA, which is all `kernel_avx2_fma` requires of its caller.
            Kernel::Avx2Fma => unsafe { x86::kernel_avx2_fma(a_strip, b_block, block) },
        }
    }
}

/// The kernel in plain Rust, for CPUs without AVX2 and FMA: the same 6×8
/// block of accumulators, which the compiler keeps in whatever vector
/// registers the target has. `x * y + acc`, not `mul_add`: without FMA
/// hardware, `mul_add` is a slow library call.
fn kernel_portable(a_strip: &[f64], b_block: &[f64], block: &mut [[f64; NR]; MR]) {
    let (a_steps, _) = a_strip.as_chunks::<MR>();
    let (b_steps, _) = b_block.as_chunks::<NR>();
    let mut acc = [[0.0; NR]; MR];
    for (a_k, b_k) in a_steps.iter().zip(b_steps) {
        for (acc_row, &a_ik) in acc.iter_mut().zip(a_k) {
            for (acc_ij, &b_kj) in acc_row.iter_mut().zip(b_k) {
                *acc_ij += a_ik * b_kj;
            }
        }
    }
    *block = acc;
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{MR, NR};
    use std::arch::x86_64::{
        __m256d, _mm256_fmadd_pd, _mm256_loadu_pd, _mm256_set1_pd, _mm256_setzero_pd,
        _mm256_storeu_pd,
    };

    /// The 6×8 kernel with AVX2 registers (4 `f64` each) and fused
    /// multiply-add: 12 accumulators, 2 registers for a row of the `b`
    /// panel and 1 for a broadcast entry of `a` make 15 of the 16 YMM
    /// registers, so nothing spills to memory inside the loop. Each step of
    /// `k` loads 8 + 6 numbers and does 48 multiply-adds.
    ///
    /// `#[target_feature]` compiles this one function for AVX2 and FMA
    /// while the rest of the crate stays compiled for any x86-64 CPU.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA (see `Kernel::detect`).
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn kernel_avx2_fma(
        a_strip: &[f64],
        b_block: &[f64],
        block: &mut [[f64; NR]; MR],
    ) {
        let (a_steps, _) = a_strip.as_chunks::<MR>();
        let (b_steps, _) = b_block.as_chunks::<NR>();
        let mut acc: [[__m256d; 2]; MR] = [[_mm256_setzero_pd(); 2]; MR];
        for (a_k, b_k) in a_steps.iter().zip(b_steps) {
            // Safety: `b_k` is a `[f64; 8]`, so both 4-wide unaligned loads
            // (of `b_k[0..4]` and `b_k[4..8]`) stay inside it.
            let (b_lo, b_hi) = unsafe {
                (
                    _mm256_loadu_pd(b_k.as_ptr()),
                    _mm256_loadu_pd(b_k[4..].as_ptr()),
                )
            };
            for (acc_row, &a_ik) in acc.iter_mut().zip(a_k) {
                let a_ik = _mm256_set1_pd(a_ik);
                acc_row[0] = _mm256_fmadd_pd(a_ik, b_lo, acc_row[0]);
                acc_row[1] = _mm256_fmadd_pd(a_ik, b_hi, acc_row[1]);
            }
        }
        for (row, acc_row) in block.iter_mut().zip(&acc) {
            // Safety: `row` is a `[f64; 8]`, so both 4-wide unaligned stores
            // (to `row[0..4]` and `row[4..8]`) stay inside it.
            unsafe {
                _mm256_storeu_pd(row.as_mut_ptr(), acc_row[0]);
                _mm256_storeu_pd(row[4..].as_mut_ptr(), acc_row[1]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(rows: usize, cols: usize, seed: usize) -> Matrix {
        Matrix::from_fn(rows, cols, |i, j| ((i * 7 + j * 3 + seed) % 9) as f64 - 4.0)
    }

    fn plain(a: &Matrix, b: &Matrix) -> Matrix {
        Matrix::from_fn(a.rows(), b.cols(), |i, j| {
            (0..a.cols()).map(|k| a.get(i, k) * b.get(k, j)).sum()
        })
    }

    /// The portable kernel gives the same blocks as the one `detect` picks
    /// on this machine (on machines with AVX2, that tests both).
    #[test]
    fn both_kernels_agree() {
        let depth = 37;
        let a: Vec<f64> = (0..MR * depth).map(|x| (x % 7) as f64 - 3.0).collect();
        let b: Vec<f64> = (0..NR * depth).map(|x| (x % 5) as f64 - 2.0).collect();
        let (mut portable, mut detected) = ([[0.0; NR]; MR], [[1.0; NR]; MR]);
        Kernel::Portable.run(&a, &b, &mut portable);
        Kernel::detect().run(&a, &b, &mut detected);
        assert_eq!(portable, detected);
    }

    #[test]
    fn odd_shapes_match_the_plain_product() {
        for (n, m, p) in [(1, 1, 1), (7, 300, 9), (25, 3, 17), (13, 513, 1)] {
            let (a, b) = (small(n, m, 1), small(m, p, 2));
            assert_eq!(matmul(&a, &b).unwrap(), plain(&a, &b), "{n}×{m} by {m}×{p}");
        }
    }
}

// ---------------------------------------------------------------------------
// Given in the exercise: the matrix type and the error, unchanged.
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
