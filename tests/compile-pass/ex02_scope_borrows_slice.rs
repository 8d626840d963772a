// Lesson (ex02): the fix of tests/compile-fail/ex02_spawn_borrows_slice.rs.
// `thread::scope` joins every thread it spawned before it returns, so the
// borrow checker knows `data` outlives them: each thread may hold a
// sub-slice of the caller's data. No `'static`, no `Arc`, no copy.

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    let size = data.len().div_ceil(k.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|share| s.spawn(move || share.iter().sum::<u64>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() {
    assert_eq!(chunked_sum(&[1, 2, 3, 4], 2), 10);
}
