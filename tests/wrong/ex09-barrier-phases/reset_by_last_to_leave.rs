//! Known wrong: no generation number; the count is reset by the last thread to leave, so a fast thread back in wait() before the others left is counted in the old round and passes at once.
//! expect-fail: model-generations: a fast thread back in wait()

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

pub struct Barrier {
    n: usize,
    state: Mutex<(usize, usize)>,
    cv: Condvar,
}

pub struct BarrierWaitResult {
    leader: bool,
}

impl BarrierWaitResult {
    pub fn is_leader(&self) -> bool {
        self.leader
    }
}

impl Barrier {
    pub fn new(n: usize) -> Self {
        Barrier { n: n.max(1), state: Mutex::new((0, 0)), cv: Condvar::new() }
    }

    /// (arrived, leaving): the round is over once arrived reaches n; each
    /// thread counts itself out, and the last one out resets.
    pub fn wait(&self) -> BarrierWaitResult {
        let mut s = self.state.lock().unwrap();
        s.0 += 1;
        let leader = s.0 == self.n;
        if leader {
            s.1 = self.n;
            self.cv.notify_all();
        }
        while s.0 < self.n {
            s = self.cv.wait(s).unwrap();
        }
        s.1 = s.1.saturating_sub(1);
        if s.1 == 0 {
            s.0 = 0;
        }
        BarrierWaitResult { leader }
    }
}

pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    if k == 0 {
        return (0..p).map(|_| Vec::new()).collect();
    }
    let barrier = Barrier::new(k);
    let (barrier, work) = (&barrier, &work);
    let mut columns: Vec<std::vec::IntoIter<T>> = thread::scope(|s| {
        let hs: Vec<_> = (0..k)
            .map(|w| {
                s.spawn(move || {
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
        hs.into_iter().map(|h| h.join().unwrap().into_iter()).collect()
    });
    (0..p).map(|_| columns.iter_mut().map(|c| c.next().unwrap()).collect()).collect()
}
