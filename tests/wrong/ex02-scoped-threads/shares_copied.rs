//! Known wrong: copies every share into a Vec of its own before spawning (`chunk.to_vec()`), instead of handing the threads sub-slices.
//! expect-fail: borrows-the-data: the data was copied

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
    let mut start = 0;
    let parts: Vec<Vec<u64>> = (0..n)
        .map(|i| {
            let len = base + usize::from(i < extra);
            start += len;
            data[start - len..start].to_vec()
        })
        .collect();
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || part.into_iter().fold(0u64, |a, x| a.wrapping_add(f(x)))))
            .collect();
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
