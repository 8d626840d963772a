// Lesson: a thread from `thread::spawn` may outlive the function that
// started it, so its closure must own what it uses (`'static`). Borrowing a
// local would leave the thread reading freed memory once the function
// returns. Move the data in (`move ||`), share it with `Arc`, or use
// `thread::scope`, whose threads are joined before the borrow ends (see
// tests/compile-pass/scoped_borrow.rs).

use std::thread;

fn main() {
    let numbers = vec![1, 2, 3];
    let handle = thread::spawn(|| numbers.iter().sum::<i32>());
    println!("{}", handle.join().unwrap());
}
