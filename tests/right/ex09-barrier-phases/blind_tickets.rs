//! Known right: tickets from a counter that never resets and a released-up-to counter; the caller runs worker 0.
//! Written blind: right: monotonic ticket counters (arrivals, released-up-to) under one Mutex, leader = ticket completing a block of n; caller thread is worker 0
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

struct Tickets {
    next: u64,
    released: u64,
}

pub struct Barrier {
    n: u64,
    t: Mutex<Tickets>,
    cv: Condvar,
}

impl Barrier {
    pub fn new(n: usize) -> Self {
        Barrier { n: n.max(1) as u64, t: Mutex::new(Tickets { next: 0, released: 0 }), cv: Condvar::new() }
    }

    pub fn wait(&self) -> BarrierWaitResult {
        let mut t = self.t.lock().unwrap();
        let me = t.next;
        t.next += 1;
        if (me + 1) % self.n == 0 {
            t.released = me + 1;
            self.cv.notify_all();
            return BarrierWaitResult { leader: true };
        }
        while t.released <= me {
            t = self.cv.wait(t).unwrap();
        }
        BarrierWaitResult { leader: false }
    }
}

fn worker<T, F: Fn(usize, usize) -> T>(w: usize, p: usize, work: &F, b: &Barrier) -> Vec<T> {
    let mut out = Vec::with_capacity(p);
    for j in 0..p {
        out.push(work(w, j));
        b.wait();
    }
    out
}

pub fn run_phases<T, F>(k: usize, p: usize, work: F) -> Vec<Vec<T>>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    if p == 0 {
        return Vec::new();
    }
    let mut rows: Vec<Vec<T>> = (0..p).map(|_| Vec::with_capacity(k)).collect();
    if k == 0 {
        return rows;
    }
    let b = Barrier::new(k);
    let (b, work) = (&b, &work);
    let cols: Vec<Vec<T>> = thread::scope(|sc| {
        let hs: Vec<_> = (1..k).map(|w| sc.spawn(move || worker(w, p, work, b))).collect();
        let mut cols = vec![worker(0, p, work, b)];
        cols.extend(hs.into_iter().map(|h| h.join().unwrap()));
        cols
    });
    for col in cols {
        for (j, r) in col.into_iter().enumerate() {
            rows[j].push(r);
        }
    }
    rows
}
