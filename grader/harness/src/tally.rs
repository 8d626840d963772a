//! What the values returned by a shared counter's adds prove.
//!
//! An `add(1)` that returns the counter's new value hands out 1, 2, ..., n
//! over n adds, each once, however the adds interleave: a value returned
//! twice is two adds that read the same old value (a lost update). That
//! proof needs the threads to have really run at once, and a stress run on
//! a busy machine may have run them one after another. The returned values
//! tell that too: sorted, they show how often consecutive values went to
//! different threads ([`Tally::turns`]). Threads that ran one after another
//! take a handful of turns (one per preemption), and so may threads behind a
//! right mutex that lets one of them take it again and again; racy threads
//! that ran at once take thousands, and lose updates. A check runs again
//! while the turns are few, to give a race its chance.

/// What the values of `n` adds, grouped by the thread that made them, show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// The smallest value returned more than once.
    pub repeated: Option<u64>,
    /// Whether the values were 1 to `n`, each once.
    pub exact: bool,
    /// How often the next value went to another thread.
    pub turns: usize,
}

/// The [`Tally`] of `by_thread[t]`, the values thread `t`'s adds returned.
pub fn tally(by_thread: &[Vec<u64>], n: u64) -> Tally {
    let mut all: Vec<(u64, usize)> = by_thread
        .iter()
        .enumerate()
        .flat_map(|(t, values)| values.iter().map(move |&v| (v, t)))
        .collect();
    all.sort_unstable();
    let repeated = all.windows(2).find(|w| w[0].0 == w[1].0).map(|w| w[0].0);
    let exact = all.len() as u64 == n && all.iter().map(|&(v, _)| v).eq(1..=n);
    let turns = all.windows(2).filter(|w| w[0].1 != w[1].1).count();
    Tally { repeated, exact, turns }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_one_after_another_take_one_turn() {
        let t = tally(&[vec![1, 2, 3], vec![4, 5, 6]], 6);
        assert_eq!(t, Tally { repeated: None, exact: true, turns: 1 });
    }

    #[test]
    fn a_lost_update_shows_as_a_value_returned_twice() {
        let t = tally(&[vec![1, 3, 4], vec![2, 3, 5]], 6);
        assert_eq!((t.repeated, t.exact), (Some(3), false));
        assert!(t.turns >= 3);
    }
}
