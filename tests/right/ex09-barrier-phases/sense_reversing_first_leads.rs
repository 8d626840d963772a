//! Known right: a sense-reversing barrier (a bool that flips each generation, not a counter), whose leader is the first arrival; wait_while on the sense; run_phases on the caller's thread as worker 0 plus k - 1 scoped threads, results into slots under a Mutex.

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

pub struct Barrier {
    n: usize,
    state: Mutex<(usize, bool)>,
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
        Barrier { n: n.max(1), state: Mutex::new((0, false)), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut s = self.state.lock().unwrap();
        let sense = s.1;
        let leader = s.0 == 0; // the first arrival leads
        s.0 += 1;
        if s.0 == self.n {
            s.0 = 0;
            s.1 = !sense;
            self.cv.notify_all();
            return BarrierWaitResult { leader };
        }
        let _s = self.cv.wait_while(s, |s| s.1 == sense).unwrap();
        BarrierWaitResult { leader }
    }
}

pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    let slots: Mutex<Vec<Vec<Option<T>>>> =
        Mutex::new((0..p).map(|_| (0..k).map(|_| None).collect()).collect());
    if k > 0 {
        let barrier = Barrier::new(k);
        let (barrier, work, slots) = (&barrier, &work, &slots);
        let worker = move |w: usize| {
            for j in 0..p {
                let r = work(w, j);
                slots.lock().unwrap()[j][w] = Some(r);
                barrier.wait();
            }
        };
        thread::scope(|s| {
            for w in 1..k {
                s.spawn(move || worker(w));
            }
            worker(0);
        });
    }
    slots
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|row| row.into_iter().map(|r| r.unwrap()).collect())
        .collect()
}
