// Lesson: `Arc` shares a value between threads, but does not make it safe
// to mutate. `RefCell` checks its borrows with a plain counter, which two
// threads could update at once, so `RefCell` is not `Sync`, and
// `Arc<RefCell<T>>` is not `Send`. The thread-safe version of `RefCell` is
// a lock: `Arc<Mutex<T>>` or `Arc<RwLock<T>>`.

use std::cell::RefCell;
use std::sync::Arc;
use std::thread;

fn main() {
    let shared = Arc::new(RefCell::new(0));
    let other = Arc::clone(&shared);
    let handle = thread::spawn(move || *other.borrow_mut() += 1);
    handle.join().unwrap();
    println!("{}", shared.borrow());
}
