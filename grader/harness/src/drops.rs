//! Values that count their own drops, so that a check can hold a container
//! (a channel, a lock, a slot) to "every value dropped exactly once", on
//! every path: handed out and dropped by the taker, never handed out and
//! dropped with the container, or lost (leaked) or dropped twice by it.
//!
//! A [`Drops`] makes [`Tracked`] values, each with its own number, and
//! counts how often each one was dropped. A `Tracked` holds no heap memory
//! (a number, a seal and a `&'static` to its counts), so a container that
//! drops one twice makes the count wrong, not the process crash: the check
//! can still say what happened. Its counts live in a leaked allocation (a
//! few bytes per scenario) for the same reason: a value dropped late, after
//! the scenario, still has somewhere to count.
//!
//! The counts use a std mutex, so a `Tracked` works on real threads and
//! under a model checker alike (loom runs an execution's threads on one OS
//! thread, and the lock is never held across a scheduling point).

use std::sync::Mutex;

/// The drop counts of the values one scenario made.
#[derive(Debug, Default)]
pub struct Drops {
    /// For each value made, by number: how many times it was dropped.
    counts: Mutex<Vec<u32>>,
}

/// A value that counts its own drops in the [`Drops`] that made it.
#[derive(Debug)]
pub struct Tracked {
    number: usize,
    seal: u64,
    drops: &'static Drops,
}

/// What a value's seal is, from its number: a value read whole has it.
fn seal_of(number: usize) -> u64 {
    (number as u64 ^ 0x5eed_c0de).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl Drops {
    /// New counts, none made yet.
    pub fn new() -> &'static Drops {
        Box::leak(Box::default())
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Vec<u32>> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new value, numbered from 0 in the order made.
    pub fn make(&'static self) -> Tracked {
        let mut counts = self.counts();
        counts.push(0);
        let number = counts.len() - 1;
        Tracked { number, seal: seal_of(number), drops: self }
    }

    /// How many values were made.
    pub fn made(&self) -> usize {
        self.counts().len()
    }

    /// How many values are not dropped yet.
    pub fn alive(&self) -> usize {
        self.counts().iter().filter(|&&n| n == 0).count()
    }

    /// What is wrong with the drops so far if every value should have been
    /// dropped exactly once by now, in words ("value 0 was dropped twice",
    /// "value 1 was never dropped"), or `None`.
    pub fn problem(&self) -> Option<String> {
        let counts = self.counts();
        let twice = counts.iter().position(|&n| n > 1);
        let never = counts.iter().position(|&n| n == 0);
        match (twice, never) {
            (Some(i), _) => Some(format!("value {i} was dropped {} times", counts[i])),
            (None, Some(i)) => Some(format!("value {i} was never dropped (it leaked)")),
            (None, None) => None,
        }
    }
}

impl Tracked {
    /// Its number: which of the values made it is.
    pub fn number(&self) -> usize {
        self.number
    }

    /// Whether it reads whole: its seal matches its number (a value read
    /// half-written, or from memory it never was in, does not).
    pub fn intact(&self) -> bool {
        self.seal == seal_of(self.number)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let mut counts = self.drops.counts();
        if let Some(n) = counts.get_mut(self.number) {
            *n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_drop_is_counted_per_value() {
        let drops = Drops::new();
        let (a, b) = (drops.make(), drops.make());
        assert_eq!((a.number(), b.number(), drops.made(), drops.alive()), (0, 1, 2, 2));
        assert!(a.intact() && b.intact());
        drop(a);
        assert_eq!(drops.alive(), 1);
        assert_eq!(drops.problem().as_deref(), Some("value 1 was never dropped (it leaked)"));
        drop(b);
        assert_eq!(drops.problem(), None);
    }

    #[test]
    fn a_double_drop_is_told_not_crashed() {
        let drops = Drops::new();
        let a = drops.make();
        // What a container that drops a value twice does, made safe here:
        // a bitwise copy dropped beside the original (no heap to free twice).
        let copy = Tracked { number: a.number, seal: a.seal, drops: a.drops };
        drop(a);
        drop(copy);
        assert_eq!(drops.problem().as_deref(), Some("value 0 was dropped 2 times"));
        let forged = Tracked { number: 0, seal: 1, drops };
        assert!(!forged.intact());
        std::mem::forget(forged);
    }
}
