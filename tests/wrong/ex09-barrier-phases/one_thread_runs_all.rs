//! Known wrong: run_phases runs every worker's phase one after another on the caller's thread.
//! expect-fail: phases-in-order: ran on the same thread

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

pub struct Barrier {
    n: usize,
    state: Mutex<State>,
    cv: Condvar,
}

struct State {
    arrived: usize,
    generation: u64,
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
        Barrier { n: n.max(1), state: Mutex::new(State { arrived: 0, generation: 0 }), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut s = self.state.lock().unwrap();
        let mine = s.generation;
        s.arrived += 1;
        if s.arrived == self.n {
            s.arrived = 0;
            s.generation += 1;
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        while s.generation == mine {
            s = self.cv.wait(s).unwrap();
        }
        BarrierWaitResult { leader: false }
    }
}

pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    let _ = thread::current();
    (0..p).map(|j| (0..k).map(|w| work(w, j)).collect()).collect()
}
