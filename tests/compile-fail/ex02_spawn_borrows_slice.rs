// Lesson (ex02): `thread::spawn` cannot borrow a function's parameter. The
// spawned thread may outlive `chunked_sum`, so its closure must be
// `'static`, but `data` is a borrow that ends when `chunked_sum` returns:
// the compiler refuses to let it escape into the thread (E0521). `move`
// does not help (it moves the reference, not the numbers); copying `data`
// into an `Arc<Vec<u64>>` compiles but copies it. `thread::scope` joins its
// threads before it returns, so they may borrow `data` as it is (see
// tests/compile-pass/ex02_scope_borrows_slice.rs).

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    let size = data.len().div_ceil(k.max(1)).max(1);
    let handles: Vec<_> = data
        .chunks(size)
        .map(|share| thread::spawn(move || share.iter().sum::<u64>()))
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

fn main() {
    println!("{}", chunked_sum(&[1, 2, 3, 4], 2));
}
