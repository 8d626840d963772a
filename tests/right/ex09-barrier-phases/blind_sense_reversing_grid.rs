//! Known right: sense-reversing: a count-down and a flipping bool with wait_while; results in a Mutex grid of Options.
//! Written blind: right: sense-reversing bool under one Mutex with wait_while; run_phases writes into a shared Mutex grid of Options
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
    left: usize,
    sense: bool,
}

pub struct Barrier {
    n: usize,
    state: Mutex<State>,
    cv: Condvar,
}

impl Barrier {
    pub fn new(n: usize) -> Self {
        let n = if n == 0 { 1 } else { n };
        Barrier { n, state: Mutex::new(State { left: n, sense: false }), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut s = self.state.lock().unwrap();
        let my_sense = s.sense;
        s.left -= 1;
        if s.left == 0 {
            s.left = self.n;
            s.sense = !s.sense;
            drop(s);
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        let _s = self.cv.wait_while(s, |st| st.sense == my_sense).unwrap();
        BarrierWaitResult { leader: false }
    }
}

pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    let grid: Mutex<Vec<Vec<Option<T>>>> =
        Mutex::new((0..p).map(|_| (0..k).map(|_| None).collect()).collect());
    if k > 0 && p > 0 {
        let barrier = Barrier::new(k);
        let (barrier, work, grid) = (&barrier, &work, &grid);
        thread::scope(|sc| {
            for w in 0..k {
                sc.spawn(move || {
                    for j in 0..p {
                        let r = work(w, j);
                        grid.lock().unwrap()[j][w] = Some(r);
                        barrier.wait();
                    }
                });
            }
        });
    }
    grid.into_inner()
        .unwrap()
        .into_iter()
        .map(|row| row.into_iter().map(|c| c.expect("every cell filled")).collect())
        .collect()
}
