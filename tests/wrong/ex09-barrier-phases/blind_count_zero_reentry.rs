//! Known wrong: waiters take "the count is back at 0" for released: a thread back in wait at once bumps it to 1 and the old waiters sleep on.
//! Written blind: released means count back at 0: a thread racing back in bumps it to 1 and the old waiters sleep again
//! expect-fail: model-generations: a thread slept in wait() for ever
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
            *count = 0;
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        // released means: the last one has set the count back to 0
        while *count != 0 {
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
