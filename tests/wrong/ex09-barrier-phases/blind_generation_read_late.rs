//! Known wrong: the arrival is counted in one lock scope and the generation read in a second: the last arrival may move it on in between, and the waiter waits for a generation that needs it.
//! Written blind: generation noted in a second lock scope after counting: the last arrival can bump it in between, so the waiter waits a whole extra generation (jam)
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

struct State {
    arrived: usize,
    generation: u64,
}

pub struct Barrier {
    n: usize,
    state: Mutex<State>,
    cv: Condvar,
}

impl Barrier {
    pub fn new(n: usize) -> Self {
        Barrier { n: n.max(1), state: Mutex::new(State { arrived: 0, generation: 0 }), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        // count myself and note my generation, keeping the critical section short
        let arrived = {
            let mut s = self.state.lock().unwrap();
            s.arrived += 1;
            s.arrived
        };
        let mine = self.state.lock().unwrap().generation;
        if arrived == self.n {
            let mut s = self.state.lock().unwrap();
            s.arrived = 0;
            s.generation += 1;
            drop(s);
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        let mut s = self.state.lock().unwrap();
        while s.generation == mine {
            s = self.cv.wait(s).unwrap();
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
