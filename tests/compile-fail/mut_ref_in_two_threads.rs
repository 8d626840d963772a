// Lesson: two threads cannot both hold a `&mut` to one value. `count += 1`
// from two threads at once is exactly the lost update; in Rust it does not
// compile, because a `&mut` is exclusive: the first closure borrows `count`
// mutably for as long as its thread may run, so the second cannot. Share a
// `Mutex` or an atomic instead, or give each thread its own count.

use std::thread;

fn main() {
    let mut count = 0;
    thread::scope(|s| {
        s.spawn(|| count += 1);
        s.spawn(|| count += 1);
    });
    println!("{count}");
}
