//! Known wrong: the last arrival moves an atomic generation on after letting the lock go; a waiter that has just checked it, under the lock, sleeps through the notify (a lost wake-up).
//! expect-fail: model-generations: slept in wait() for ever

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;
use kata_sync::sync::atomic::{AtomicU64, Ordering};

pub struct Barrier {
    n: usize,
    arrived: Mutex<usize>,
    generation: AtomicU64,
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
        Barrier { n: n.max(1), arrived: Mutex::new(0), generation: AtomicU64::new(0), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut arrived = self.arrived.lock().unwrap();
        let mine = self.generation.load(Ordering::SeqCst);
        *arrived += 1;
        if *arrived == self.n {
            *arrived = 0;
            drop(arrived);
            self.generation.fetch_add(1, Ordering::SeqCst);
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        drop(arrived);
        let mut guard = self.arrived.lock().unwrap();
        while self.generation.load(Ordering::SeqCst) == mine {
            guard = self.cv.wait(guard).unwrap();
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
