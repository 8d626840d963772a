//! Hostile: writes 20 MB to stdout (1,280 times what kata keeps), then is still the stub.
//! expect-fail: order-kept: still a stub

use std::io::Write;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let line = [b'x'; 1023];
    let mut out = std::io::stdout().lock();
    for _ in 0..20_000 {
        let _ = out.write_all(&line);
        let _ = out.write_all(b"\n");
    }
    let _ = (items, f, n);
    todo!()
}
