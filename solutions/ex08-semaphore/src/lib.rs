//! The reference solution of ex08 · A semaphore of your own.

/// Returns the sum of `items`.
pub fn semaphore(items: Vec<u64>) -> u64 {
    items.iter().sum()
}
