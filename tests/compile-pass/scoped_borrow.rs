// Lesson: the fix of tests/compile-fail/borrow_in_spawn.rs. The threads of
// `thread::scope` are all joined before `scope` returns, so they may borrow
// locals: the borrow checker knows the data outlives them. No `Arc`, no
// `move`, no `'static`.

use std::thread;

fn main() {
    let numbers = vec![1, 2, 3, 4];
    let (left, right) = numbers.split_at(2);
    let (a, b) = thread::scope(|s| {
        let a = s.spawn(|| left.iter().sum::<i32>());
        let b = s.spawn(|| right.iter().sum::<i32>());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a + b, 10);
    println!("{numbers:?} sums to {}", a + b);
}
