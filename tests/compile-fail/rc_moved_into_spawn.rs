// Lesson: `Rc` cannot cross threads. Its reference count is a plain integer,
// updated without synchronisation, so two threads cloning and dropping the
// same `Rc` would lose updates to the count itself (and free the value too
// early or never). `Rc` is therefore not `Send`, and `thread::spawn` only
// takes closures that are. Use `Arc`, whose count is atomic.

use std::rc::Rc;
use std::thread;

fn main() {
    let shared = Rc::new(vec![1, 2, 3]);
    let handle = thread::spawn(move || shared.len());
    handle.join().unwrap();
}
