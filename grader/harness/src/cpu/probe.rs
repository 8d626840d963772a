//! A same-run probe of the machine: can it give a parallel speed-up right
//! now?

use std::hint::black_box;
use std::time::{Duration, Instant};

/// The speed-up a probe must show (its work on two threads against one, see
/// [`capacity_once_of`]) before a measured speed-up may decide a verdict. A
/// quiet 2-core machine gives ~1.95×; with another process busy on one core
/// it gives ~1.0–1.3×.
pub const CAPACITY_NEEDED: f64 = 1.6;

/// What the probe measured: the same work on one thread, and on each of
/// two threads at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capacity {
    pub one: Duration,
    pub two: Duration,
}

impl Capacity {
    /// How much faster two threads got through twice the work: 2.0 on two
    /// free cores, about 1.0 when only one core is free.
    pub fn speedup(&self) -> f64 {
        if self.two.is_zero() {
            return 0.0;
        }
        2.0 * self.one.as_secs_f64() / self.two.as_secs_f64()
    }

    /// Whether a parallel speed-up can be measured fairly right now.
    pub fn enough(&self) -> bool {
        self.speedup() >= CAPACITY_NEEDED
    }
}

/// The probe's work: a chain of dependent integer steps, no memory traffic,
/// ~10 ms on one core.
const SPIN_STEPS: u64 = 8_000_000;

fn spin(steps: u64) -> u64 {
    let mut x = black_box(0x9E37_79B9_7F4A_7C15_u64);
    for _ in 0..steps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    black_box(x)
}

/// Measures how much parallel speed-up this machine can give right now:
/// [`capacity_once`] three times in turn, keeping the shortest time of each.
pub fn capacity() -> Capacity {
    (0..3).map(|_| capacity_once()).fold(
        Capacity { one: Duration::MAX, two: Duration::MAX },
        |best, c| Capacity { one: best.one.min(c.one), two: best.two.min(c.two) },
    )
}

/// One quick look (~20 ms): the spin loop once on one thread, then once on
/// each of two threads at once. For pairing with a measurement taken right
/// before or after it: the load on a shared machine comes and goes within
/// tens of milliseconds, so only a probe next to a measurement speaks for
/// it.
pub fn capacity_once() -> Capacity {
    capacity_once_of(|| {
        spin(SPIN_STEPS);
    })
}

/// The vector probe's work: a multiply-add over 1,024 numbers (8 KiB, in
/// L1), each independent of the others, so the core's vector units are
/// the limit; ~3.5 ms on one core here.
const VECTOR_ROUNDS: usize = 20_000;

fn vector(rounds: usize) {
    let mut acc = [1.0f64; 1024];
    for _ in 0..rounds {
        for a in acc.iter_mut() {
            *a = *a * 0.999_999 + 1e-9;
        }
        black_box(&mut acc);
    }
}

/// [`capacity_once_of`] with vector arithmetic for work: the probe for a
/// speed-up of number-crunching code such as a matrix product.
pub fn capacity_once_vector() -> Capacity {
    capacity_once_of(|| vector(VECTOR_ROUNDS))
}

/// `work` once on one thread, then once on each of two threads at once.
///
/// Probe with work like the work measured. The spin loop is a chain of
/// dependent steps, and two of those run at full speed on the two hardware
/// threads of one physical core (which a virtual machine's two "cores" can
/// be); vector arithmetic (a matrix product) shares that core's units and
/// gains next to nothing there. Only a probe of the same kind of work says
/// whether a speed-up of that work can show.
pub fn capacity_once_of(work: impl Fn() + Sync) -> Capacity {
    let start = Instant::now();
    work();
    let one = start.elapsed();
    let start = Instant::now();
    std::thread::scope(|s| {
        let other = s.spawn(&work);
        work();
        let _ = other.join();
    });
    Capacity { one, two: start.elapsed() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_arithmetic() {
        let quiet = Capacity { one: Duration::from_millis(10), two: Duration::from_millis(10) };
        assert!((quiet.speedup() - 2.0).abs() < 1e-9);
        assert!(quiet.enough());
        let busy = Capacity { one: Duration::from_millis(10), two: Duration::from_millis(20) };
        assert!((busy.speedup() - 1.0).abs() < 1e-9);
        assert!(!busy.enough());
        let none = Capacity { one: Duration::from_millis(10), two: Duration::ZERO };
        assert_eq!(none.speedup(), 0.0);
    }

    #[test]
    fn the_probe_runs_its_work_three_times() {
        let runs = std::sync::atomic::AtomicUsize::new(0);
        let c = capacity_once_of(|| {
            runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(runs.into_inner(), 3);
        assert!(c.speedup() >= 0.0);
    }
}
