//! Known right: spawns n - 1 threads and sums the last share on the calling thread, so n threads work at once.

use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

fn sum<F: Fn(u64) -> u64>(share: &[u64], f: &F) -> u64 {
    share.iter().fold(0, |acc, &x| acc.wrapping_add(f(x)))
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0, "chunked_sum_by needs k > 0");
    let n = k.min(data.len());
    if n == 0 {
        return 0;
    }
    let mut shares = Vec::with_capacity(n);
    let mut rest = data;
    for i in 0..n {
        let size = data.len() / n + usize::from(i < data.len() % n);
        let (share, tail) = rest.split_at(size);
        shares.push(share);
        rest = tail;
    }
    let mine = shares.pop().unwrap_or(&[]);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = shares.into_iter().map(|share| s.spawn(move || sum(share, f))).collect();
        let own = sum(mine, f);
        handles.into_iter().fold(own, |t, h| match h.join() {
            Ok(v) => t.wrapping_add(v),
            Err(p) => std::panic::resume_unwind(p),
        })
    })
}
