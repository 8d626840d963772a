//! What the learner's `matmul` is compared with: test matrices whose
//! products are exact, the plain i-k-j loop, and the `matrixmultiply` crate
//! run on the check's pool.

use crate::target::Matrix;
use rayon::prelude::*;

/// A `rows`×`cols` matrix of whole numbers from -4 to 4, different for each
/// `seed`. Every product of such matrices up to 10⁶ terms per cell sums
/// exactly in `f64`, whatever the order of the additions, so results can be
/// compared with `==`.
pub fn test_matrix(rows: usize, cols: usize, seed: u64) -> Matrix {
    Matrix::from_fn(rows, cols, |i, j| {
        // SplitMix64 of the position: no pattern a wrong index could match.
        let mut x = seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add((i as u64) << 32 | j as u64);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        (x % 9) as f64 - 4.0
    })
}

/// The plain i-k-j loop, on one thread: the baseline of single-thread
/// efficiency. Row slices, no blocking, no SIMD beyond what the compiler
/// finds on its own: what a learner writes once the loop order is right.
pub fn ikj(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (n, m, p) = (a.rows(), a.cols(), b.cols());
    let mut c = vec![0.0; n * p];
    for i in 0..n {
        let c_row = &mut c[i * p..(i + 1) * p];
        for k in 0..m {
            let a_ik = a.as_slice()[i * m + k];
            let b_row = &b.as_slice()[k * p..(k + 1) * p];
            for j in 0..p {
                c_row[j] += a_ik * b_row[j];
            }
        }
    }
    c
}

/// Rows of the result per task when `matrixmultiply` runs on the pool:
/// enough tasks to balance 4 threads at n = 512, few enough that the
/// library's packing of `b` (once per call) stays cheap.
const LIBRARY_ROWS_PER_TASK: usize = 64;

/// `a × b` by `matrixmultiply::dgemm` (its AVX-512 / AVX2 / SSE kernels,
/// chosen at run time), with the rows of the result split over the rayon
/// pool this is called in, as the learner's code is.
pub fn library(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (n, m, p) = (a.rows(), a.cols(), b.cols());
    let mut c = vec![0.0; n * p];
    if n == 0 || p == 0 {
        return c;
    }
    c.par_chunks_mut(LIBRARY_ROWS_PER_TASK * p)
        .zip(a.as_slice().par_chunks(LIBRARY_ROWS_PER_TASK * m.max(1)))
        .for_each(|(c, a)| dgemm_into(a, m, b, c));
    c
}

/// `c = a × b` on the calling thread, where `a` holds whole rows of `m`
/// entries and `c` the same rows of the result; `c` must not be empty.
fn dgemm_into(a: &[f64], m: usize, b: &Matrix, c: &mut [f64]) {
    let p = b.cols();
    let rows = c.len() / p;
    assert!(a.len() >= rows * m && b.as_slice().len() >= m * p);
    // Safety: dgemm reads rows×m entries of `a` (row stride m), m×p of `b`
    // (row stride p) and writes rows×p of `c` (row stride p). The assert
    // and `c`'s length guarantee that many entries, and `c` is a buffer
    // of its own that overlaps neither input.
    unsafe {
        matrixmultiply::dgemm(
            rows,
            m,
            p,
            1.0,
            a.as_ptr(),
            m as isize,
            1,
            b.as_slice().as_ptr(),
            p as isize,
            1,
            0.0,
            c.as_mut_ptr(),
            p as isize,
            1,
        )
    }
}

/// How a result differs from the expected product.
pub enum Mismatch {
    Shape {
        got: (usize, usize),
    },
    Cells {
        first: (usize, usize),
        got: f64,
        want: f64,
        wrong: usize,
    },
}

/// Compares `got` with the product `want` (n×p, row-major).
pub fn compare(got: &Matrix, want: &[f64], n: usize, p: usize) -> Option<Mismatch> {
    if (got.rows(), got.cols()) != (n, p) || got.as_slice().len() != want.len() {
        return Some(Mismatch::Shape {
            got: (got.rows(), got.cols()),
        });
    }
    let mut wrong = got
        .as_slice()
        .iter()
        .zip(want)
        .enumerate()
        // `!=` on purpose, not a tolerance: the sums are exact. (A NaN is
        // wrong too, since NaN != NaN.)
        .filter(|(_, (g, w))| g != w);
    let (index, (&g, &w)) = wrong.next()?;
    Some(Mismatch::Cells {
        first: (index / p, index % p),
        got: g,
        want: w,
        wrong: 1 + wrong.count(),
    })
}

/// The floating-point operations of an n×m by m×p product.
pub fn flops(n: usize, m: usize, p: usize) -> f64 {
    2.0 * n as f64 * m as f64 * p as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_products_agree() {
        let (a, b) = (test_matrix(70, 33, 1), test_matrix(33, 65, 2));
        let want = ikj(&a, &b);
        assert_eq!(library(&a, &b), want);
        let got = Matrix::from_vec(70, 65, want.clone());
        assert!(compare(&got, &want, 70, 65).is_none());
    }

    #[test]
    fn a_wrong_cell_is_found_and_named() {
        let (a, b) = (test_matrix(5, 3, 1), test_matrix(3, 7, 2));
        let want = ikj(&a, &b);
        let mut wrong = want.clone();
        wrong[2 * 7 + 6] += 1.0;
        match compare(&Matrix::from_vec(5, 7, wrong), &want, 5, 7) {
            Some(Mismatch::Cells { first, wrong, .. }) => {
                assert_eq!(first, (2, 6));
                assert_eq!(wrong, 1);
            }
            _ => panic!("the wrong cell was not found"),
        }
        assert!(matches!(
            compare(&Matrix::zeros(7, 5), &want, 5, 7),
            Some(Mismatch::Shape { got: (7, 5) })
        ));
    }

    #[test]
    fn entries_are_small_whole_numbers() {
        let m = test_matrix(20, 20, 9);
        assert!(m
            .as_slice()
            .iter()
            .all(|x| x.fract() == 0.0 && (-4.0..=4.0).contains(x)));
    }
}
