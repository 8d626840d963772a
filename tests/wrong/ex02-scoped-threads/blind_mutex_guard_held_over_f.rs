//! Known wrong: one Mutex<u64> total whose guard is held while f runs: the threads take turns.
//! Written blind: a shared Mutex<u64> total locked for every element with the guard held while f(x) runs, so the threads take turns like under the GIL ("a lock makes it thread-safe").
//! expect-fail: runs-at-once: or a lock held around the work

use std::sync::Mutex;
use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0);
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let base = data.len() / n;
    let extra = data.len() % n;
    let total = Mutex::new(0u64);
    thread::scope(|s| {
        let mut rest = data;
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            let total = &total;
            let f = &f;
            s.spawn(move || {
                for &x in share {
                    let mut t = total.lock().unwrap();
                    *t = t.wrapping_add(f(x));
                }
            });
        }
    });
    total.into_inner().unwrap()
}
