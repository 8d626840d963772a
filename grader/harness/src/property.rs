//! Property tests without a dependency: a seeded generator of cases and a
//! shrinker that cuts a failing case down to the fewest, plainest steps that
//! still fail.
//!
//! A check draws its cases from [`Rng`] with a fixed seed, so every run
//! tries the same cases and a failure is the same failure each time. When a
//! case fails, [`shrink`] tries removing steps (halves, quarters, then one
//! at a time) and simplifying each remaining one (the check says how, with
//! `simpler`), keeping every change that still fails, until none does. The
//! message then shows a counterexample of a few steps instead of forty.

/// A small seeded generator (SplitMix64): the same seed, the same cases.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// One of `choices`, each as likely.
    pub fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        choices[self.below(choices.len() as u64) as usize]
    }
}

/// The first of `cases` cases drawn by `draw` for which `fails` says why it
/// fails, shrunk (see [`shrink`]); `None` when every case holds.
pub fn search<T: Clone>(
    cases: usize,
    mut draw: impl FnMut() -> Vec<T>,
    simpler: impl Fn(&T) -> Vec<T>,
    fails: impl Fn(&[T]) -> Option<String>,
) -> Option<(Vec<T>, String)> {
    let case = (0..cases).map(|_| draw()).find(|case| fails(case).is_some())?;
    Some(shrink(case, simpler, fails))
}

/// Cuts `case` (which `fails`) down to a case that still fails but loses
/// that failure if any one step is removed or made simpler: removes runs of
/// steps, then tries `simpler(step)` for each step (candidates, simplest
/// first). Returns the smallest case found and why it fails. At most 2,000
/// tries of `fails`, so a slow failure cannot keep the check busy.
///
/// # Panics
/// If `case` does not fail to begin with.
pub fn shrink<T: Clone>(
    mut case: Vec<T>,
    simpler: impl Fn(&T) -> Vec<T>,
    fails: impl Fn(&[T]) -> Option<String>,
) -> (Vec<T>, String) {
    let mut why = fails(&case).expect("shrink: the case given does not fail");
    let mut tries = 0;
    let mut attempt = |candidate: &[T], why: &mut String| {
        tries += 1;
        if tries > 2_000 {
            return false;
        }
        fails(candidate).map(|w| *why = w).is_some()
    };
    let mut progress = true;
    while progress {
        progress = false;
        let mut run = case.len().div_ceil(2);
        while run >= 1 {
            let mut start = 0;
            while start + run <= case.len() {
                let mut candidate = case.clone();
                candidate.drain(start..start + run);
                if attempt(&candidate, &mut why) {
                    case = candidate;
                    progress = true;
                } else {
                    start += run;
                }
            }
            run /= 2;
        }
        for i in 0..case.len() {
            for plainer in simpler(&case[i]) {
                let mut candidate = case.clone();
                candidate[i] = plainer;
                if attempt(&candidate, &mut why) {
                    case = candidate;
                    progress = true;
                    break;
                }
            }
        }
    }
    (case, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let draws: Vec<u64> = (0..5).map(|_| a.below(100)).collect();
        assert_eq!(draws, (0..5).map(|_| b.below(100)).collect::<Vec<_>>());
        assert!(draws.iter().all(|&d| d < 100));
        assert_ne!(Rng::new(8).next_u64(), Rng::new(7).next_u64());
    }

    #[test]
    fn a_failing_case_shrinks_to_what_makes_it_fail() {
        // Fails when the sum reaches 10 and holds a 5: shrunk, it is [5, 5].
        let fails = |c: &[u64]| {
            (c.iter().sum::<u64>() >= 10 && c.contains(&5)).then(|| format!("sum {c:?}"))
        };
        let simpler = |&s: &u64| vec![0, s / 2, s.saturating_sub(1)];
        let (case, why) = shrink(vec![3, 1, 4, 1, 5, 9, 2, 6], simpler, fails);
        assert_eq!(case, [5, 5]);
        assert_eq!(why, "sum [5, 5]");
    }

    #[test]
    fn search_finds_the_first_failing_case_or_none() {
        let mut rng = Rng::new(1);
        let fails = |c: &[u64]| c.contains(&3).then(|| "a 3".to_string());
        let found = search(50, || vec![rng.below(5), rng.below(5)], |_| vec![], fails);
        assert_eq!(found, Some((vec![3], "a 3".to_string())));
        let mut rng = Rng::new(1);
        assert_eq!(search(50, || vec![rng.below(3)], |_| vec![], fails), None);
    }
}
