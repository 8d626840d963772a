//! `--calibrate`: the measurements behind the thresholds, on this machine.
//!
//! ```text
//! cargo run --profile grade -p ex19-parallel-matmul-checks -- --calibrate
//! ```
//!
//! Prints the CPU, the GFLOP/s of the code under check (the reference, by
//! default), of matrixmultiply and of a plain parallel i-k-j loop at
//! n = 1024 on 2 threads, then the medal shares at the medal's size on the
//! checks' pool, five times over, and the single-thread ratios of common
//! loop orders against the efficiency baseline.

use crate::baseline::{flops, ikj, library, test_matrix};
use crate::target::{matmul, Matrix};
use crate::{EFFICIENCY_N, MEDAL_N, THREADS};
use kata_harness::cpu::{self, alternate, Clock, MeteredPool};
use rayon::prelude::*;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

/// The i-k-j loop with a rayon task per row of the result: silver.
fn parallel_ikj(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (m, p) = (a.cols(), b.cols());
    let mut c = vec![0.0; a.rows() * p];
    c.par_chunks_mut(p)
        .zip(a.as_slice().par_chunks(m))
        .for_each(|(c_row, a_row)| {
            for (&a_ik, b_row) in a_row.iter().zip(b.as_slice().chunks_exact(p)) {
                for (c, &b_kj) in c_row.iter_mut().zip(b_row) {
                    *c += a_ik * b_kj;
                }
            }
        });
    c
}

/// The i-j-k loop with a task per row: a dot product down each column of b.
fn parallel_ijk(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (m, p) = (a.cols(), b.cols());
    let mut c = vec![0.0; a.rows() * p];
    c.par_chunks_mut(p)
        .zip(a.as_slice().par_chunks(m))
        .for_each(|(c_row, a_row)| {
            for (j, c) in c_row.iter_mut().enumerate() {
                *c = (0..m).map(|k| a_row[k] * b.as_slice()[k * p + j]).sum();
            }
        });
    c
}

/// The i-k-j loop as a learner might index it, whole-matrix indices.
fn indexed_ikj(a: &Matrix, b: &Matrix) -> Vec<f64> {
    let (n, m, p) = (a.rows(), a.cols(), b.cols());
    let (a, b) = (a.as_slice(), b.as_slice());
    let mut c = vec![0.0; n * p];
    for i in 0..n {
        for k in 0..m {
            let a_ik = a[i * m + k];
            for j in 0..p {
                c[i * p + j] += a_ik * b[k * p + j];
            }
        }
    }
    c
}

fn cpu_name() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split(':').nth(1))
            .map(|v| v.trim().to_string())
    };
    let flags = field("flags").unwrap_or_default();
    let simd: Vec<&str> = ["avx2", "fma", "avx512f"]
        .into_iter()
        .filter(|f| flags.split(' ').any(|x| x == *f))
        .collect();
    format!(
        "{} at {} MHz, {} logical CPUs, {}",
        field("model name").unwrap_or_else(|| "an unknown CPU".into()),
        field("cpu MHz").unwrap_or_else(|| "?".into()),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        simd.join(" + ")
    )
}

fn gflops(n: usize, t: Duration) -> f64 {
    flops(n, n, n) / t.as_secs_f64().max(1e-12) / 1e9
}

pub fn run() -> ExitCode {
    println!("CPU: {}", cpu_name());
    println!(
        "probe, 2 spinning threads over 1: {:.2}×",
        cpu::capacity().speedup()
    );

    let Ok(two) = MeteredPool::new(2) else {
        return ExitCode::FAILURE;
    };
    let n = 1024;
    let (a, b) = (test_matrix(n, n, 1), test_matrix(n, n, 2));
    let (reference, lib) = alternate(
        Clock::Wall,
        5,
        || {
            black_box(two.install(|| matmul(&a, &b)).ok());
        },
        || {
            black_box(two.install(|| library(&a, &b)));
        },
    );
    let (plain, _) = alternate(
        Clock::Wall,
        3,
        || {
            black_box(two.install(|| parallel_ikj(&a, &b)));
        },
        || {},
    );
    println!(
        "n = {n}, 2 threads, fastest of 5: matmul under check {:.1} GFLOP/s, matrixmultiply {:.1} GFLOP/s, parallel i-k-j {:.1} GFLOP/s",
        gflops(n, reference),
        gflops(n, lib),
        gflops(n, plain)
    );

    let (Ok(pool), Ok(single)) = (MeteredPool::new(THREADS), MeteredPool::new(1)) else {
        return ExitCode::FAILURE;
    };
    let n = MEDAL_N;
    let (a, b) = (test_matrix(n, n, 41), test_matrix(n, n, 42));
    for (pool, clock) in [
        (&pool, Clock::Wall),
        (&pool, Clock::steadiest()),
        (&single, Clock::steadiest()),
    ] {
        println!(
            "medal shares, n = {n}, {}-thread pool, {}, fastest of 5 alternate runs each:",
            pool.threads(),
            clock.describe()
        );
        for _ in 0..5 {
            let mut times = [Duration::MAX; 4];
            for _ in 0..5 {
                for (slot, time) in times.iter_mut().enumerate() {
                    // The column walk takes seconds on one thread: skipped.
                    if slot == 3 && pool.threads() == 1 {
                        continue;
                    }
                    let t = clock.time(|| match slot {
                        0 => drop(black_box(pool.install(|| library(&a, &b)))),
                        1 => drop(black_box(pool.install(|| matmul(&a, &b)).ok())),
                        2 => drop(black_box(pool.install(|| parallel_ikj(&a, &b)))),
                        _ => drop(black_box(pool.install(|| parallel_ijk(&a, &b)))),
                    });
                    *time = (*time).min(t);
                }
            }
            let share = |t: Duration| 100.0 * times[0].as_secs_f64() / t.as_secs_f64();
            println!(
                "  library {:.1} GFLOP/s; under check {:.0}%, parallel i-k-j {:.0}%, parallel i-j-k {:.0}%   (probe {:.2}×)",
                gflops(n, times[0]),
                share(times[1]),
                share(times[2]),
                share(times[3]),
                cpu::capacity().speedup()
            );
        }
    }

    let Ok(one) = MeteredPool::new(1) else {
        return ExitCode::FAILURE;
    };
    let n = EFFICIENCY_N;
    let (a, b) = (test_matrix(n, n, 21), test_matrix(n, n, 22));
    let clock = Clock::steadiest();
    println!(
        "single thread, n = {n}, {}, ratio to the baseline i-k-j (fastest of 5 alternate runs):",
        clock.describe()
    );
    for _ in 0..3 {
        let ratio = |f: &(dyn Fn() + Sync)| {
            let (x, base) = alternate(
                clock,
                5,
                || one.install(f),
                || {
                    black_box(one.install(|| ikj(&a, &b)));
                },
            );
            x.as_secs_f64() / base.as_secs_f64()
        };
        println!(
            "  under check {:.2}, indexed i-k-j {:.2}, parallel i-k-j {:.2}, parallel i-j-k {:.2}",
            ratio(&|| drop(black_box(matmul(&a, &b).ok()))),
            ratio(&|| drop(black_box(indexed_ikj(&a, &b)))),
            ratio(&|| drop(black_box(parallel_ikj(&a, &b)))),
            ratio(&|| drop(black_box(parallel_ijk(&a, &b)))),
        );
    }
    ExitCode::SUCCESS
}
