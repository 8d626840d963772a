//! Known wrong: chunked_sum copies the slice into an Arc<Vec<u64>> so that `thread::spawn` accepts it ('static by copying); the contract says borrow.
//! expect-fail: borrows-the-data: the data was copied

use std::sync::Arc;
use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    assert!(k > 0);
    let n = k.min(data.len());
    if n == 0 {
        return 0;
    }
    let (base, extra) = (data.len() / n, data.len() % n);
    let shared = Arc::new(data.to_vec());
    let mut start = 0;
    let mut handles = Vec::new();
    for i in 0..n {
        let len = base + usize::from(i < extra);
        let (shared, range) = (Arc::clone(&shared), start..start + len);
        start += len;
        handles.push(thread::spawn(move || {
            shared[range].iter().fold(0u64, |a, &x| a.wrapping_add(x))
        }));
    }
    handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
}

pub fn chunked_sum_by<F: Fn(u64) -> u64 + Sync>(data: &[u64], k: usize, f: F) -> u64 {
    assert!(k > 0);
    let n = k.min(data.len());
    if n == 0 {
        return 0;
    }
    let (base, extra) = (data.len() / n, data.len() % n);
    let f = &f;
    let mut rest = data;
    thread::scope(|s| {
        let mut handles = Vec::new();
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            handles.push(s.spawn(move || share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))));
        }
        handles.into_iter().fold(0u64, |t, h| t.wrapping_add(h.join().unwrap()))
    })
}
