//! Known wrong: the count is never reset: the first generation works, every later wait passes straight through.
//! Written blind: count never reset: first generation fine, later ones pass straight through
//! expect-fail: generations: it was let out early
//! expect-fail: model-generations: the count was not reset after a generation
//! expect-fail: edges: each wait completes its generation alone, so it is the leader every time
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
        let leader = *count == self.n;
        if leader {
            self.cv.notify_all();
        }
        // everyone leaves once n have arrived
        while *count < self.n {
            count = self.cv.wait(count).unwrap();
        }
        BarrierWaitResult { leader }
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
