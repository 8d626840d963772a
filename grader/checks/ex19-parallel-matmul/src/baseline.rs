//! What the learner's `matmul` is compared with: test matrices whose
//! products are exact, the plain i-k-j loop (on one thread, and split by
//! rows over the pool), and the `matrixmultiply` crate run on the check's
//! pool.

use crate::target::Matrix;
use rayon::prelude::*;

/// A `rows`×`cols` matrix of whole numbers from -4 to 4, different for each
/// `seed`. Every product of such matrices up to 10⁶ terms per cell sums
/// exactly in `f64`, whatever the order of the additions, so results can be
/// compared with `==`.
pub fn test_matrix(rows: usize, cols: usize, seed: u64) -> Matrix {
    Matrix::from_fn(rows, cols, |i, j| {
        // SplitMix64 of the position: no pattern a wrong index could match.
        let mut x =
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add((i as u64) << 32 | j as u64);
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

/// The i-k-j loop with a rayon task per row of the result: silver, and the
/// second yardstick of gold (which does not depend on the CPU's widest
/// vector units, as the library's kernel does).
pub fn parallel_ikj(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (m, p) = (a.cols(), b.cols());
    let mut c = vec![0.0; a.rows() * p];
    if p == 0 || m == 0 {
        return c;
    }
    c.par_chunks_mut(p).zip(a.as_slice().par_chunks(m)).for_each(|(c_row, a_row)| {
        for (&a_ik, b_row) in a_row.iter().zip(b.as_slice().chunks_exact(p)) {
            for (c, &b_kj) in c_row.iter_mut().zip(b_row) {
                *c += a_ik * b_kj;
            }
        }
    });
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

/// What is wrong with `got` as the n×p product `want` (row-major) of an
/// n×m by m×p product described as `what`, or `None` when it is right.
pub fn mismatch(what: &str, got: &Matrix, want: &[f64], (n, m, p): Shape) -> Option<String> {
    if (got.rows(), got.cols()) != (n, p) || got.as_slice().len() != want.len() {
        let empty = if n == 0 || m == 0 || p == 0 {
            ". Empty sizes are sizes too: a 4×0 times 0×3 product is a 4×3 matrix of zeros (each cell an empty sum)."
        } else {
            ""
        };
        return Some(format!(
            "{what} returned a {}×{} matrix; the product is {n}×{p} (rows of the left, columns of the right){empty}",
            got.rows(),
            got.cols()
        ));
    }
    // `!=` on purpose, not a tolerance: the sums are exact. (A NaN is wrong
    // too, since NaN != NaN.)
    let wrong: Vec<usize> = (0..want.len()).filter(|&k| got.as_slice()[k] != want[k]).collect();
    let &first = wrong.first()?;
    let (i, j, count) = (first / p, first % p, wrong.len());
    let hint = if count == 1 && i + 1 == n && j + 1 == p {
        "Only the last cell is wrong: a blocked loop whose leftover row and leftover column \
         each skip the corner? Prime sizes leave a remainder in every direction."
    } else if count == 1 {
        "A single wrong cell: an off-by-one at the edge of a block?"
    } else if count >= n * p / 2 {
        "Most cells are wrong: check the indexing (row-major: entry (i, j) of an r×c matrix \
         is at i * c + j) and that each cell sums a[i][k] * b[k][j] over every k."
    } else {
        "Some cells are wrong: do the pieces of work cover every row and column exactly once, \
         including the leftovers when the size does not divide evenly?"
    };
    Some(format!(
        "{what}: cell ({i}, {j}) is {}, but row {i} of a times column {j} of b is {} ({count} of \
         {} cells wrong). {hint}",
        got.as_slice()[first],
        want[first],
        n * p
    ))
}

/// An n×m by m×p product's sizes, `(n, m, p)`.
pub type Shape = (usize, usize, usize);

/// The floating-point operations of an n×m by m×p product.
pub fn flops(n: usize, m: usize, p: usize) -> f64 {
    2.0 * n as f64 * m as f64 * p as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_products_agree_and_a_wrong_cell_is_named() {
        let (a, b) = (test_matrix(70, 33, 1), test_matrix(33, 65, 2));
        let want = ikj(&a, &b);
        assert_eq!(library(&a, &b), want);
        assert_eq!(parallel_ikj(&a, &b), want);
        let empty = parallel_ikj(&test_matrix(3, 0, 1), &test_matrix(0, 2, 2));
        assert_eq!(empty, [0.0; 6]);
        let shape = (70, 33, 65);
        assert_eq!(mismatch("x", &Matrix::from_vec(70, 65, want.clone()), &want, shape), None);
        let mut wrong = want.clone();
        wrong[2 * 65 + 6] += 1.0;
        let message = mismatch("x", &Matrix::from_vec(70, 65, wrong), &want, shape).unwrap();
        assert!(message.starts_with("x: cell (2, 6) is"), "{message}");
        assert!(message.contains("(1 of 4550 cells wrong). A single wrong cell"));
        let flipped = mismatch("x", &Matrix::zeros(65, 70), &want, shape).unwrap();
        assert!(flipped.starts_with("x returned a 65×70 matrix; the product is 70×65"));
    }

    #[test]
    fn entries_are_small_whole_numbers() {
        let m = test_matrix(20, 20, 9);
        let whole = |x: &f64| x.fract() == 0.0 && (-4.0..=4.0).contains(x);
        assert!(m.as_slice().iter().all(whole));
    }
}
