//! Known wrong: run_phases starts and joins k fresh threads for every phase: the join does the barrier's job.
//! Written blind: run_phases spawns and joins k threads for every phase (the join is the barrier)
//! expect-fail: phases-in-order: started threads afresh (and joined them) between phases
//! expect-fail: model-phases: started threads afresh
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
        let mut s = self.state.lock().unwrap();
        let mine = s.generation;
        s.arrived += 1;
        if s.arrived == self.n {
            s.arrived = 0;
            s.generation = s.generation.wrapping_add(1);
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        while s.generation == mine {
            s = self.cv.wait(s).unwrap();
        }
        BarrierWaitResult { leader: false }
    }
}

/// Runs `work(worker, phase)`: one scope per phase, joined in between.
pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    let work = &work;
    let _unused = Barrier::new(k);
    (0..p)
        .map(|j| {
            thread::scope(|sc| {
                let hs: Vec<_> = (0..k).map(|w| sc.spawn(move || work(w, j))).collect();
                hs.into_iter().map(|h| h.join().unwrap()).collect::<Vec<T>>()
            })
        })
        .collect()
}
