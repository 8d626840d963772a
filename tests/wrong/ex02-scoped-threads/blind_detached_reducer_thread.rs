//! Known wrong: a detached std::thread::spawn reducer adds up the partial sums: a thread beyond the shares, never joined.
//! Written blind: partial sums go over a channel to a `std::thread::spawn`ed reducer thread (a Python consumer-thread habit); the caller receives the total from it but never joins it, so that thread can outlive the call.
//! expect-fail: threads-and-shares: a helper (a reducer, a watchdog)

use std::sync::mpsc;
use std::thread;

pub fn chunked_sum(data: &[u64], k: usize) -> u64 {
    chunked_sum_by(data, k, |x| x)
}

pub fn chunked_sum_by<F>(data: &[u64], k: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(k > 0, "k must be positive");
    if data.is_empty() {
        return 0;
    }
    let n = k.min(data.len());
    let base = data.len() / n;
    let extra = data.len() % n;

    let (part_tx, part_rx) = mpsc::channel::<u64>();
    let (done_tx, done_rx) = mpsc::channel::<u64>();
    // The reducer only handles u64 values, so plain spawn is fine for it.
    thread::spawn(move || {
        let total = part_rx.iter().fold(0u64, u64::wrapping_add);
        done_tx.send(total).unwrap();
        // tidy-up logging would go here
        thread::sleep(std::time::Duration::from_millis(20));
    });

    let f = &f;
    thread::scope(|s| {
        let mut rest = data;
        for i in 0..n {
            let (share, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            let tx = part_tx.clone();
            s.spawn(move || {
                let mine = share.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)));
                tx.send(mine).unwrap();
            });
        }
    });
    drop(part_tx);
    done_rx.recv().unwrap()
}
