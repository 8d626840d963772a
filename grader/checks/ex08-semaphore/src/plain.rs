//! The plain build: real threads, a real clock.

use super::*;
use kata_harness::contention::Scenario;
use kata_harness::histories::judge_rounds;
use kata_harness::limit::Limit;
use kata_harness::linearizable::Model;
use kata_harness::panicking::unwinding;
use kata_harness::waiting::{judge_waiting, watch_wait};
use kata_harness::{ensure, fail, pass, step_limit, within};
use std::sync::Arc;

pub fn counts() -> Verdict {
    within(step_limit(), "acquires and drops on one thread", || {
        let sem = Semaphore::new(3);
        let mut said = vec!["new(3)".to_string()];
        // A step: the call, what it returned, if that is right, and available() after it.
        let mut step = |what: &str, returned: &str, right: bool, want: usize| {
            let got = sem.available();
            said.push(format!("{what} → {returned}, then available() → {got}"));
            let wrong = || fail(format!("{}: the last is wrong", said.join("; ")));
            ensure(right && got == want, wrong)
        };
        let a = sem.acquire();
        step("acquire()", "a permit", true, 2)?;
        let b = sem.try_acquire();
        step("try_acquire()", some(&b), b.is_some(), 1)?;
        let c = sem.acquire_timeout(Duration::from_secs(5));
        step("acquire_timeout(5 s)", some(&c), c.is_some(), 0)?;
        let d = sem.try_acquire();
        step("try_acquire()", some(&d), d.is_none(), 0)?;
        let e = sem.acquire_timeout(Duration::from_millis(20));
        step("acquire_timeout(20 ms)", some(&e), e.is_none(), 0)?;
        drop((a, d, e));
        step("drop(permit)", "", true, 1)?;
        drop((b, c));
        step("drop × 2", "", true, 3)?;
        let zero = Semaphore::new(0);
        let z = zero.try_acquire();
        step("new(0).try_acquire()", some(&z), z.is_none(), 3)?;
        Ok(pass("the count follows every acquire and drop"))
    })?
}

pub fn peak_is_k() -> Verdict {
    const K: usize = 3;
    let state = || (Semaphore::new(K), Limit::new(K, Duration::from_secs(2)));
    let scenario = Scenario::new("8 threads calling acquire on 3 permits", state);
    let scenario = scenario.threads(8, |(sem, limit), turn| {
        for i in 0..40 {
            // Every way in: the blocking call, the timed one, the quick one.
            let permit = match (turn.thread + i) % 4 {
                0 => sem.try_acquire(),
                1 => sem.acquire_timeout(Duration::from_secs(30)),
                _ => Some(sem.acquire()),
            };
            if permit.is_some() {
                let _inside = limit.enter();
                std::thread::yield_now();
            }
        }
    });
    let scenario = scenario.on_hang("a lost wake-up, or a permit never given back?");
    let round = scenario.stress(1, step_limit())?.remove(0);
    let (sem, limit) = &*round.state;
    let peak = limit.judge(
        "threads holding a permit",
        "two threads took the same permit. Check that one is free and take it in one step, \
         under one lock.",
        "the semaphore lets fewer through than it has permits. Does the permit keep the \
         lock's guard (the MutexGuard) inside it? It should hold only a reference to the \
         semaphore.",
    )?;
    let left = sem.available();
    let leak = || fail(format!("once every permit was dropped, available() said {left}"));
    ensure(left == K, leak).map(|()| peak)
}

pub fn released_on_panic() -> Verdict {
    within(step_limit(), "a holder that panics", || {
        let sem = Semaphore::new(1);
        unwinding(|| sem.acquire());
        let (free, again) = (sem.available(), sem.acquire_timeout(Duration::from_secs(2)));
        ensure(free == 1 && again.is_some(), || {
            fail(format!(
                "a thread took the only permit and panicked; after it had unwound, available() \
                 said {free} and acquire_timeout(2 s) returned {}: the permit was never given back. Give \
                 it back in `Drop for Permit`, on every path (drop runs while a panic unwinds; \
                 do not skip it when `thread::panicking()`), not after the work.",
                some(&again)
            ))
        })?;
        Ok(pass("the permit came back as the panicking holder unwound"))
    })?
}

pub fn waiting_sleeps() -> Verdict {
    let sem = Arc::new(Semaphore::new(1));
    let (held, waiter) = (sem.acquire(), Arc::clone(&sem));
    let waited = watch_wait(
        "acquire() with no permit free",
        Duration::from_millis(300),
        step_limit(),
        move || drop(waiter.acquire()),
        move || drop(held),
    )?;
    judge_waiting(&waited, "a thread blocked in acquire()")
}

/// The sequential semaphore: free permits; `acquire` takes effect only when one is free.
#[derive(Clone, Hash, PartialEq, Eq)]
struct Free(usize);

impl Model for Free {
    type Call = &'static str;
    type Ret = String;
    fn step(&mut self, call: &&'static str) -> Option<String> {
        let free = self.0;
        let (now, ret) = match *call {
            "acquire()" if free == 0 => return None,
            "acquire()" | "try_acquire()" if free > 0 => (free - 1, "a permit".into()),
            "try_acquire()" => (free, "None".into()),
            "drop(permit)" => (free + 1, "returns".into()),
            _ => (free, free.to_string()),
        };
        self.0 = now;
        Some(ret)
    }
}

/// 3 threads on 2 permits, 7 calls each picked by round, then a drop of what they
/// hold. Each holds 1 at most, and acquires only holding none: nobody waits on a waiter.
pub fn linearizable() -> Verdict {
    let advice = "Check the count and change it in one lock scope, and let available() read \
                  that same count under that same lock.";
    let script = |sem: &Semaphore, me: &mut kata_harness::histories::Thread<'_, Free>| {
        let mut held = None;
        for i in 0..8 {
            let call = match (me.choices.pick(4), held.is_some()) {
                (_, false) if i == 7 => break,
                (_, true) if i == 7 => "drop(permit)",
                (0, _) => "available()",
                (_, true) => "drop(permit)",
                (1, false) => "acquire()",
                _ => "try_acquire()",
            };
            me.call(call, || {
                match call {
                    "acquire()" => held = Some(sem.acquire()),
                    "try_acquire()" => held = sem.try_acquire(),
                    "drop(permit)" => held = None,
                    _ => return sem.available().to_string(),
                }
                if call == "drop(permit)" { "returns" } else { some(&held) }.into()
            });
        }
    };
    let (what, model) = ("3 threads × 7 calls on 2 permits", "a semaphore of 2 permits");
    let make = || Semaphore::new(2);
    within(step_limit(), what, move || {
        judge_rounds(what, (60, 3), &Free(2), model, make, script, advice)
    })?
}
