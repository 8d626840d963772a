//! Known wrong: wraps the Barrier that kata_sync::sync re-exports (std's, or shuttle's under the model) instead of building one.
//! expect-fail: generations: took no lock of kata_sync's Mutex
//! expect-fail: model-generations: took no lock of kata_sync's Mutex

use kata_sync::thread;

pub struct Barrier {
    inner: kata_sync::sync::Barrier,
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
        Barrier { inner: kata_sync::sync::Barrier::new(n.max(1)) }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        BarrierWaitResult { leader: self.inner.wait().is_leader() }
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
