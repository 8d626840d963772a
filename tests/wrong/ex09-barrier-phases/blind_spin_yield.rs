//! Known wrong: waiters poll the generation under the lock with yield_now and never sleep on the Condvar.
//! Written blind: waiters poll the generation under the lock with yield_now: correct but burns CPU
//! expect-fail: waiting-sleeps: kept the CPU busy with nothing to do
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
    #[allow(dead_code)]
    cv: Condvar,
}

impl Barrier {
    pub fn new(n: usize) -> Self {
        Barrier { n: n.max(1), state: Mutex::new(State { arrived: 0, generation: 0 }), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mine = {
            let mut s = self.state.lock().unwrap();
            let mine = s.generation;
            s.arrived += 1;
            if s.arrived == self.n {
                s.arrived = 0;
                s.generation += 1;
                return BarrierWaitResult { leader: true };
            }
            mine
        };
        // poll until the generation moves on; yield so we are not rude
        loop {
            if self.state.lock().unwrap().generation != mine {
                return BarrierWaitResult { leader: false };
            }
            thread::yield_now();
        }
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
