//! Known wrong: shares of len / k, with the whole remainder piled onto the last thread (10 on 4: 2, 2, 2, 4).
//! expect-fail: threads-and-shares: must differ by at most one

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
    let size = data.len() / n;
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let end = if i == n - 1 { data.len() } else { (i + 1) * size };
                let share = &data[i * size..end];
                s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x))))
            })
            .collect();
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
