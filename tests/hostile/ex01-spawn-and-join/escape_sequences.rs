//! Hostile: panics with terminal escape sequences (set the title, clear the
//! screen) in the message; on a terminal they must arrive as plain text.
//! expect-fail: order-kept: pwned

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    panic!("\x1b]0;pwned\x07\x1b[2J\x1b[Hall checks passed")
}
