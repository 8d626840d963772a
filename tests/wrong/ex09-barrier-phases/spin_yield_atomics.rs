//! Known wrong: the barrier is two atomics and a yield_now loop: it works, and burns a core per waiting thread.
//! expect-fail: waiting-sleeps: kept the CPU busy with nothing to do
//! expect-fail: generations: wait() took no lock of kata_sync's Mutex

use kata_sync::sync::atomic::{AtomicUsize, Ordering};
use kata_sync::thread;

pub struct Barrier {
    n: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
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
        Barrier { n: n.max(1), arrived: AtomicUsize::new(0), generation: AtomicUsize::new(0) }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mine = self.generation.load(Ordering::SeqCst);
        if self.arrived.fetch_add(1, Ordering::SeqCst) + 1 == self.n {
            self.arrived.store(0, Ordering::SeqCst);
            self.generation.fetch_add(1, Ordering::SeqCst);
            return BarrierWaitResult { leader: true };
        }
        while self.generation.load(Ordering::SeqCst) == mine {
            thread::yield_now();
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
