//! The hidden checks of ex19 · Parallel matrix multiply.
//!
//! A correct parallel matmul measured anywhere from 1.03× to 1.89× faster
//! than its sequential run on a shared 2-core machine, so speed is never
//! judged raw. The checks run `matmul` inside pools they build and judge
//! (`kata_harness::cpu`): exact results (small whole numbers: every sum is
//! exact in any order); who did the work, call by call, against all the
//! process's CPU time; single-thread efficiency against the plain i-k-j
//! loop; the speed-up, shown always and judged only between probes that
//! show a free core; and a medal, a share of `matrixmultiply`'s throughput
//! in the same run (bronze is a pass).
//!
//! The thresholds, calibrated with `cargo run --profile grade -p
//! ex19-parallel-matmul-checks -- --calibrate` on the 2-core AMD EPYC (Zen
//! 5, AVX-512) this workbook is developed on, while other builds kept it
//! busy, each with a margin from where right and wrong designs land:
//! - on one thread, against the plain i-k-j loop: a dot product over a
//!   transposed copy of b 2.2–2.6×, an i-k-j loop that indexes every
//!   element 8–11×, the column walk (i-j-k) 15–19×; the limit is 4×;
//! - the medal, n = 512, 4-thread pool, median of rounds against
//!   matrixmultiply 0.3.11 (its AVX-512 kernel): parallel i-j-k 1–2%,
//!   parallel i-k-j 19–29%, the reference 58–76%. Silver from 7%, gold from
//!   40% and 1.6× the parallel i-k-j loop measured in the same rounds (on a
//!   CPU without AVX-512 the library is about half as fast and every share
//!   doubles; the second yardstick keeps the i-k-j loop from gold there).
//!   The medal thresholds live in kata.toml (`medals = {...}` of ex19) and
//!   reach this process through `kata_harness::medal_thresholds()`.

mod baseline;
mod calibrate;

use baseline::{flops, ikj, library, mismatch, parallel_ikj, test_matrix, Shape};
use kata_harness::cpu::{self, judge_spread, Clock, MeteredPool, Plan, Ratio, SpreadAdvice};
use kata_harness::judge::Judgement;
use kata_harness::panicking::is_todo;
use kata_harness::protocol::human_duration;
use kata_harness::{ensure, fail, inconclusive, pass, within, Verdict};
use std::hint::black_box;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

kata_harness::exercise!(matmul, Matrix, ShapeError);

/// On one thread, at most this many times the plain i-k-j loop's time.
const EFFICIENCY_LIMIT: f64 = 4.0;
/// The speed-up of the pool over one thread required at n = 512, when the
/// probe shows the machine can give one.
const SPEEDUP_NEEDED: f64 = 1.3;
/// Gold also needs this many times the throughput of the parallel i-k-j
/// loop (the reference: 2.3–3×; the i-k-j loop itself: 1×).
const GOLD_OVER_LOOP: f64 = 1.6;

/// Sizes of the crossover sweep.
const SWEEP: [usize; 6] = [16, 32, 64, 128, 256, 512];
/// Size of the parallelism check's products: large enough that the threads
/// woken for a product get to take part in it even on a busy machine. (At
/// 384, a product of the reference lasted a few ms; with other builds
/// running, the calling thread did 60% of the work and the third-busiest
/// thread 7–12%. At 768, the third-busiest did 16–23%.)
const SPREAD_N: usize = 768;
/// How long the parallelism check keeps calling `matmul`: long enough for
/// many products of a fast kernel, and for Windows' ~16 ms CPU clock ticks.
const SPREAD_TIME: Duration = Duration::from_millis(500);
/// Size of the single-thread efficiency products (not a power of two, so
/// that cache-set conflicts do not exaggerate a column walk).
const EFFICIENCY_N: usize = 300;
/// Size of the medal's products.
const MEDAL_N: usize = 512;

/// How long a check's body may run before it is reported as hung (the
/// manifest's limit for the whole process is 60 s).
const LIMIT: Duration = Duration::from_secs(45);

/// What runs-in-parallel (and the medal) say when the work was not spread.
const SPREAD: SpreadAdvice = SpreadAdvice {
    function: "matmul",
    outside: "Use rayon's parallel iterators (`par_chunks_mut`) inside matmul: they run on \
        whichever pool calls it, so the caller decides how many threads it gets.",
    sequential:
        "Split the result's rows among rayon tasks, say \
        `c.as_mut_slice().par_chunks_mut(p)` zipped with `a.as_slice().par_chunks(m)`: each task \
        computes its row of c from its row of a and all of b, and no two tasks write the same cell.",
    too_few: "the product was cut into too few pieces (two halves with `rayon::join`, or one \
        piece per core of your machine?). Cut it into many pieces, a row or a few rows each, and \
        let rayon balance them over however many threads the pool has.",
};

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--calibrate") {
        return calibrate::run();
    }
    kata_harness::main(&kata_harness::checks! {
        "exact-results" => exact_results,
            "exact products for square, non-square, empty, 1×1 and prime sizes";
        "shape-mismatch" => shape_mismatch,
            "shapes that do not fit give Err(ShapeError), not a panic";
        "runs-in-parallel" => runs_in_parallel,
            "at least 3 of the pool's 4 threads each do 10% of the CPU work";
        "single-thread-efficiency" => single_thread_efficiency,
            "on one thread, at most 4× the time of the plain i-k-j loop";
        "speed-up" => speed_up,
            "4 threads against 1, n = 16 to 512: speed-up and crossover (judged only when the machine can show one)";
        "medal" => medal,
            "throughput as a share of matrixmultiply's, same run, same pool: bronze, silver, gold";
    })
}

/// Shapes of the exact-results check, (n, m, p) for an n×m by m×p product.
#[rustfmt::skip]
const SHAPES: [Shape; 15] = [
    (1, 1, 1), (2, 3, 4), (3, 5, 7), (1, 7, 1), (7, 1, 7), (0, 0, 0), (0, 4, 3), (4, 0, 3),
    (3, 4, 0), (64, 64, 64), (31, 37, 41), (97, 89, 101), (128, 200, 72), (131, 127, 113),
    (257, 263, 269),
];

fn exact_results() -> Verdict {
    let pool = Arc::new(MeteredPool::new(cpu::pool_threads())?);
    for (seed, &(n, m, p)) in SHAPES.iter().enumerate() {
        let seed = 2 * seed as u64;
        let (a, b) = (test_matrix(n, m, seed), test_matrix(m, p, seed + 1));
        let want = ikj(&a, &b);
        let what = format!("matmul of a {n}×{m} by a {m}×{p} matrix");
        let pool = Arc::clone(&pool);
        let got = within(LIMIT, &what, move || pool.install(|| matmul(&a, &b)))?;
        let got = got.map_err(|e| {
            fail(format!(
                "{what} returned Err({e:?}), but these shapes fit: an {n}×{m} matrix times an \
                 {m}×{p} one is {n}×{p}. Only `a.cols() != b.rows()` is an error."
            ))
        })?;
        if let Some(wrong) = mismatch(&what, &got, &want, (n, m, p)) {
            return Err(fail(wrong));
        }
    }
    Ok(pass(format!("{} products exact, from 1×1 and 0×n up to 257×263 by 263×269", SHAPES.len())))
}

fn shape_mismatch() -> Verdict {
    // The second case has no rows: returning zeros for an empty product
    // before checking the shapes gets it wrong.
    for (left, right) in [((2, 3), (4, 2)), ((0, 3), (2, 5))] {
        let what = format!("matmul of a {}×{} by a {}×{} matrix", left.0, left.1, right.0, right.1);
        let (a, b) = (test_matrix(left.0, left.1, 1), test_matrix(right.0, right.1, 2));
        let got =
            within(LIMIT, &what, move || panic::catch_unwind(AssertUnwindSafe(|| matmul(&a, &b))))?;
        let want = ShapeError { left, right };
        match got {
            Err(payload) if is_todo(payload.as_ref()) => {
                return Err(fail("still a stub: matmul panicked with \"not yet implemented\" (the `todo` in the stub). Replace it with your code."))
            }
            Err(_) => {
                return Err(fail(format!(
                    "{what} panicked: a shape mismatch is the caller's mistake to handle, so \
                     return it as a value. Compare `a.cols()` with `b.rows()` first, before \
                     touching any data, and return `Err(ShapeError {{ left: (a.rows(), a.cols()), \
                     right: (b.rows(), b.cols()) }})`."
                )))
            }
            Ok(Ok(m)) => {
                return Err(fail(format!(
                    "{what} returned a {}×{} matrix, but {} columns cannot meet {} rows: return \
                     Err(ShapeError) before anything else, even when a size is 0",
                    m.rows(),
                    m.cols(),
                    left.1,
                    right.0
                )))
            }
            Ok(Err(e)) if e != want => {
                return Err(fail(format!(
                    "{what} returned Err({e:?}); the shapes are left: {:?}, right: {:?}, as (rows, cols)",
                    want.left, want.right
                )))
            }
            Ok(Err(_)) => {}
        }
    }
    Ok(pass("2×3 by 4×2 and 0×3 by 2×5 both return Err(ShapeError) with their shapes"))
}

/// Two n×n test matrices from `seed`, and their product by the plain loop.
fn square(n: usize, seed: u64) -> (Matrix, Matrix, Vec<f64>) {
    let (a, b) = (test_matrix(n, n, seed), test_matrix(n, n, seed + 1));
    let want = ikj(&a, &b);
    (a, b, want)
}

/// The product must be right before its timing or CPU means anything.
fn check_product(pool: &MeteredPool, a: &Matrix, b: &Matrix, want: &[f64]) -> Verdict {
    let n = a.rows();
    let got = pool
        .install(|| matmul(a, b))
        .map_err(|e| fail(format!("matmul of two {n}×{n} matrices returned Err({e:?})")))?;
    ensure(mismatch("", &got, want, (n, n, n)).is_none(), || {
        fail(format!(
            "matmul of two {n}×{n} matrices gave a wrong result (see exact-results): measuring \
             the speed of a wrong answer means nothing"
        ))
    })?;
    Ok(pass("right"))
}

/// `matmul` of `a` and `b` called over and over on `pool` for half a
/// second, judged by who did the work.
fn spread(pool: &MeteredPool, a: &Matrix, b: &Matrix) -> Verdict {
    let run = pool.repeat(SPREAD_TIME, || matmul(a, b).ok());
    let n = a.rows();
    judge_spread(&run, &format!("{} products of {n}×{n}", run.calls), &SPREAD)
}

fn runs_in_parallel() -> Verdict {
    within(LIMIT, "the parallel products", || {
        let pool = MeteredPool::new(cpu::pool_threads())?;
        let (a, b, want) = square(SPREAD_N, 11);
        check_product(&pool, &a, &b, &want)?;
        spread(&pool, &a, &b)
    })?
}

fn single_thread_efficiency() -> Verdict {
    within(LIMIT, "the single-thread products", || {
        let (a, b, want) = square(EFFICIENCY_N, 21);
        check_product(&MeteredPool::new(1)?, &a, &b, &want)?;
        efficiency(yours)
    })?
}

/// The learner's `matmul` as a [`Product`] (its shapes checked before).
fn yours(a: &Matrix, b: &Matrix) -> Vec<f64> {
    matmul(a, b).map(Matrix::into_vec).unwrap_or_default()
}

/// A product to time: `yours`, or in `--calibrate` a design to compare.
pub type Product = fn(&Matrix, &Matrix) -> Vec<f64>;

/// `product` on one thread against the plain i-k-j loop.
pub fn efficiency(product: Product) -> Verdict {
    let one = MeteredPool::new(1)?;
    let n = EFFICIENCY_N;
    let (a, b, _) = square(n, 21);
    let plan = Plan { least: 5, most: 11, budget: Duration::from_secs(10) };
    let rounds = Ratio::measure(
        Clock::steadiest(),
        plan,
        &[EFFICIENCY_LIMIT],
        || drop(black_box(one.install(|| product(&a, &b)))),
        || drop(black_box(one.install(|| ikj(&a, &b)))),
    );
    let ratio = rounds.median();
    let (mine, plain) = rounds.best();
    let gflops = |t: Duration| flops(n, n, n) / t.as_secs_f64().max(1e-9) / 1e9;
    let mut j = Judgement::new();
    j.figure(
        "your time ÷ the i-k-j loop's, on 1 thread",
        format!("{ratio:.2}"),
        format!("<= {EFFICIENCY_LIMIT}"),
    )
    .detail(format!(
        "{n}×{n} by {n}×{n} on a pool of 1 thread, {}; the fastest rounds: yours {} ({:.1} GFLOP/s), the plain i-k-j loop {} ({:.1} GFLOP/s)",
        rounds.describe(|x| format!("{x:.2}")),
        human_duration(mine),
        gflops(mine),
        human_duration(plain),
        gflops(plain),
    ));
    j.ensure(ratio <= EFFICIENCY_LIMIT, || {
        format!(
            "on one thread your matmul took {ratio:.1}× as long as the plain i-k-j loop: its \
             innermost loop is slow. Two things make it so. The order: rows are stored one after \
             another, so b[k][j] and b[k+1][j] are a whole row ({} bytes) apart, and a loop whose \
             innermost index is k walks down a column of b, pulling in a 64-byte cache line for \
             each 8 bytes it uses (measured here: 15–19× the plain loop). The indexing: \
             `b.get(k, j)` or `b.as_slice()[k * p + j]` in the innermost loop checks a bound on \
             every element and keeps the compiler from vectorising (8–11×). Order the loops i, k, \
             j, and walk a row of b and a row of c with iterators \
             (`c_row.iter_mut().zip(b.row(k))`): every byte of every cache line is used, and the \
             loop becomes vector instructions. More threads only multiply a slow loop.",
            n * 8
        )
    })?;
    Ok(j.pass(format!("on one thread, {ratio:.2}× the time of the plain i-k-j loop")))
}

fn speed_up() -> Verdict {
    within(LIMIT, "the speed-up sweep", || {
        let threads = cpu::pool_threads();
        let (one, many) = (MeteredPool::new(1)?, MeteredPool::new(threads)?);
        let n = *SWEEP.last().unwrap_or(&512);
        let (a, b, want) = square(n, 31);
        check_product(&many, &a, &b, &want)?;
        let points = cpu::sweep(&one, &many, &SWEEP, |n| {
            let (a, b) = (test_matrix(n, n, 31), test_matrix(n, n, 32));
            move || drop(black_box(matmul(&a, &b).ok()))
        });
        // Slow code gets fewer, shorter rounds, to stay within the time
        // limit (too few to fail it: the other checks say what is wrong).
        let slow = points.last().is_some_and(|p| p.one + p.many > Duration::from_millis(300));
        let (count, tries) = if slow { (3, (1, 1)) } else { (10, (2, 3)) };
        let work = || drop(black_box(matmul(&a, &b).ok()));
        let rounds = cpu::rounds(&one, &many, count, tries, &work);
        let spec = cpu::Speedup {
            yours: "your matmul",
            n,
            needed: SPEEDUP_NEEDED,
            advice: "If the work is spread but not faster, the threads wait on each other: a \
                Mutex around the result, or pieces so small (a task per cell) that handing them \
                out costs more than computing them. Give each task its own rows of the result to \
                write, with no lock.",
            title: "matmul: time per product",
            chart: Path::new("target/kata/ex19-crossover.svg"),
        };
        cpu::judge_speedup(&spec, threads, points, &rounds, tries)
    })?
}

fn medal() -> Verdict {
    let Some(thresholds) = kata_harness::medal_thresholds() else {
        return Ok(inconclusive(
            "no medal thresholds: they come from kata.toml, so run this check through `kata check ex19`",
        ));
    };
    within(LIMIT, "the medal's products", move || {
        let pool = MeteredPool::new(cpu::pool_threads())?;
        let (a, b, want) = square(MEDAL_N, 41);
        check_product(&pool, &a, &b, &want)?;
        ensure(pool.install(|| library(&a, &b)) == want, || {
            fail("the yardstick itself (matrixmultiply) gave a wrong product: a bug in the check")
        })?;
        // Bronze is "correct and parallel, on the pool": no medal for a
        // sequential product, or for one computed on threads of its own,
        // however fast (runs-in-parallel says more).
        let (sa, sb, _) = square(SPREAD_N, 11);
        if let Err(spread) = spread(&pool, &sa, &sb) {
            return Err(fail(format!(
                "no medal yet: bronze needs the product computed in parallel on the pool it was \
                 called in (see runs-in-parallel: {})",
                spread.message
            )));
        }
        medal_of(yours, thresholds)
    })?
}

/// The medal `product` earns on the pool, against matrixmultiply.
pub fn medal_of(product: Product, thresholds: (f64, f64)) -> Verdict {
    let pool = MeteredPool::new(cpu::pool_threads())?;
    let n = MEDAL_N;
    let (a, b, _) = square(n, 41);
    let spec = cpu::Medals {
        thresholds,
        yardstick: "matrixmultiply",
        run: format!("{n}×{n} by {n}×{n} on the {}-thread pool", pool.threads()),
        work: flops(n, n, n) / 1e9,
        unit: "GFLOP",
        floor: ("the plain parallel i-k-j loop", GOLD_OVER_LOOP),
        next: [
            "the loop order i, k, j, with the rows of c split over the pool.",
            "keep a small block of c (say 6×8) in registers over a long run of k, reading a and b \
             from copies packed in the order the kernel walks them, and compile that kernel for \
             AVX2 and FMA with #[target_feature], chosen at run time with \
             is_x86_feature_detected! (the book's chapter shows how).",
            "a register-blocked kernel with vector instructions, within reach of a tuned library.",
        ],
    };
    let (pool, a, b) = (&pool, &a, &b);
    let run = |f: Product| move || drop(black_box(pool.install(|| f(a, b))));
    cpu::judge_medal(&spec, run(product), run(library), run(parallel_ikj))
}
