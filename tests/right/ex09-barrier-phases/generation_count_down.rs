//! Known right: a generation counter and a leader elected as the last arrival, with the count kept as "still to come" (counting down), and spawn_scoped workers collecting their columns.

use kata_sync::sync::{Condvar, Mutex};
use kata_sync::thread;

pub struct Barrier {
    n: usize,
    state: Mutex<State>,
    cv: Condvar,
}

struct State {
    to_come: usize,
    generation: usize,
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
        let n = if n == 0 { 1 } else { n };
        Barrier { n, state: Mutex::new(State { to_come: n, generation: 0 }), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut s = self.state.lock().unwrap();
        s.to_come -= 1;
        if s.to_come == 0 {
            s.to_come = self.n;
            s.generation = s.generation.wrapping_add(1);
            drop(s);
            self.cv.notify_all(); // after the unlock: the waiters still see the new generation
            return BarrierWaitResult { leader: true };
        }
        let mine = s.generation;
        loop {
            s = self.cv.wait(s).unwrap();
            if s.generation != mine {
                return BarrierWaitResult { leader: false };
            }
        }
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
