//! Known wrong: one Mutex<u64> total, locked for each element while f runs, so the threads take turns.
//! expect-fail: runs-at-once: or a lock held around the work

use std::sync::Mutex;
use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0);
    let n = k.min(data.len());
    if n == 0 {
        return 0;
    }
    let (base, extra) = (data.len() / n, data.len() % n);
    let total = Mutex::new(0u64);
    let (f, total_ref) = (&f, &total);
    let mut rest = data;
    thread::scope(|s| {
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            s.spawn(move || {
                for &x in share {
                    let mut t = total_ref.lock().unwrap();
                    let v = f(x);
                    *t = t.wrapping_add(v);
                }
            });
        }
    });
    total.into_inner().unwrap()
}
