//! Known wrong: the last arrival resets the count and waiters sleep while count < n: after the reset nobody ever wakes up.
//! Written blind: count reset by the last arrival, waiters loop on count < n and sleep for ever (chapter's first attempt)
//! expect-fail: model-generations: `while count < n` sleeps on after the reset
use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

pub struct BarrierWaitResult {
    leader: bool,
}

impl BarrierWaitResult {
    pub fn is_leader(&self) -> bool {
        self.leader
    }
}

pub struct Barrier {
    n: usize,
    count: Mutex<usize>,
    cv: Condvar,
}

impl Barrier {
    pub fn new(n: usize) -> Self {
        Barrier { n: n.max(1), count: Mutex::new(0), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut count = self.count.lock().unwrap();
        *count += 1;
        if *count == self.n {
            // reset for the next generation
            *count = 0;
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        while *count < self.n {
            count = self.cv.wait(count).unwrap();
        }
        BarrierWaitResult { leader: false }
    }
}

/// Runs `work(worker, phase)` for `k` workers through `p` phases.
pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    if p == 0 {
        return Vec::new();
    }
    if k == 0 {
        return (0..p).map(|_| Vec::new()).collect();
    }
    let barrier = Barrier::new(k);
    let barrier = &barrier;
    let work = &work;
    let cols: Vec<Vec<T>> = thread::scope(|sc| {
        let hs: Vec<_> = (0..k)
            .map(|w| {
                sc.spawn(move || {
                    (0..p)
                        .map(|j| {
                            let r = work(w, j);
                            barrier.wait();
                            r
                        })
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut rows: Vec<Vec<T>> = (0..p).map(|_| Vec::with_capacity(k)).collect();
    for col in cols {
        for (j, r) in col.into_iter().enumerate() {
            rows[j].push(r);
        }
    }
    rows
}
