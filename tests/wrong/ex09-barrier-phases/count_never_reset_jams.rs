//! Known wrong: the count is never reset and the barrier opens when it equals n: the first generation passes, the second never does.
//! expect-fail: generations: a barrier that jams after its first generation
//! expect-fail: model-generations: or the count was never reset

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

pub struct Barrier {
    n: usize,
    arrived: Mutex<usize>,
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
        Barrier { n: n.max(1), arrived: Mutex::new(0), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        if *arrived == self.n {
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        while *arrived != self.n {
            arrived = self.cv.wait(arrived).unwrap();
        }
        BarrierWaitResult { leader: false }
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
