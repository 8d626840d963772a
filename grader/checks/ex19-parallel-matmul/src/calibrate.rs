//! `--calibrate`: the measurements behind the thresholds, on this machine.
//!
//! ```text
//! cargo run --profile grade -p ex19-parallel-matmul-checks -- --calibrate
//! ```
//!
//! Prints the machine, then three times over what single-thread-efficiency
//! and the medal (without its parallelism gate) say of the code under check
//! (the reference, by default), of common designs and of the library
//! itself: the checks' own measurements, so that the thresholds are set
//! where the designs land.

use crate::baseline::{library, parallel_ikj};
use crate::target::Matrix;
use crate::{efficiency, medal_of, Product};
use kata_harness::cpu;
use kata_harness::Verdict;
use rayon::prelude::*;
use std::process::ExitCode;

/// The i-j-k loop with a task per row: a dot product down each column of b.
fn parallel_ijk(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (m, p) = (a.cols(), b.cols());
    let mut c = vec![0.0; a.rows() * p];
    c.par_chunks_mut(p).zip(a.as_slice().par_chunks(m)).for_each(|(c_row, a_row)| {
        for (j, c) in c_row.iter_mut().enumerate() {
            *c = (0..m).map(|k| a_row[k] * b.as_slice()[k * p + j]).sum();
        }
    });
    c
}

/// A dot product of each row of a with each row of a transposed copy of b.
fn transposed(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (m, p) = (a.cols(), b.cols());
    let bt = Matrix::from_fn(p, m, |j, k| b.get(k, j));
    let mut c = vec![0.0; a.rows() * p];
    c.par_chunks_mut(p).zip(a.as_slice().par_chunks(m)).for_each(|(c_row, a_row)| {
        for (j, c) in c_row.iter_mut().enumerate() {
            *c = a_row.iter().zip(bt.row(j)).map(|(x, y)| x * y).sum();
        }
    });
    c
}

/// The i-k-j loop as a learner might index it: every element by `get`.
fn indexed_ikj(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (n, m, p) = (a.rows(), a.cols(), b.cols());
    let mut c = vec![0.0; n * p];
    for i in 0..n {
        for k in 0..m {
            for j in 0..p {
                c[i * p + j] += a.get(i, k) * b.get(k, j);
            }
        }
    }
    c
}

/// The thresholds of kata.toml, when the grader did not pass them.
const MEDALS: (f64, f64) = (0.07, 0.40);

pub fn run() -> ExitCode {
    println!("machine: {}", cpu::machine());
    println!(
        "probe, vector arithmetic on 2 threads over 1: {:.2}×",
        cpu::capacity_once_vector().speedup()
    );
    let thresholds = kata_harness::medal_thresholds().unwrap_or(MEDALS);
    let products: [(&str, Product); 6] = [
        ("under check", crate::yours),
        ("parallel i-k-j", parallel_ikj),
        ("transposed b", transposed),
        ("indexed i-k-j", indexed_ikj),
        ("parallel i-j-k", parallel_ijk),
        ("matrixmultiply", library),
    ];
    for _ in 0..3 {
        for (name, product) in products {
            let line = |v: Verdict| v.unwrap_or_else(|o| o).message;
            println!(
                "{name:>15}: {} | {}",
                line(efficiency(product)),
                line(medal_of(product, thresholds))
            );
        }
    }
    ExitCode::SUCCESS
}
