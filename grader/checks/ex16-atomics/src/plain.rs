//! The plain build: the contracts' edges on one thread, then the scenarios
//! on real threads as a second opinion (x86 hides ordering bugs; loom
//! judges them).

use super::scenarios::{self, id_lesson};
use super::target::{IdAllocator, Progress, StopFlag};
use kata_harness::lockfree::{judge_handouts, span};
use kata_harness::{fail, pass, step_limit, within, Verdict};

const MAX: u64 = u64::MAX;

/// (first, limit, calls): empty ranges, one id, a few, and ranges that end
/// at `u64::MAX`, each asked for more ids than it holds.
#[rustfmt::skip]
const RANGES: [(u64, u64, usize); 9] = [
    (0, 0, 3), (0, 1, 4), (0, 5, 8), (5, 8, 6), (10, 5, 3), (7, 7, 3),
    (MAX - 2, MAX, 6), (MAX - 1, MAX, 5), (MAX, MAX, 4),
];

pub fn ids_edges() -> Verdict {
    within(step_limit(), "next_id() on one thread", || {
        for (first, limit, calls) in RANGES {
            let ids = IdAllocator::starting_at(first, limit);
            let got: Vec<Option<u64>> = (0..calls).map(|_| ids.next_id()).collect();
            let call = format!("one thread × {calls} next_id() on {}", span(&(first..limit)));
            judge_handouts(std::slice::from_ref(&got), first..limit).map_err(|h| {
                fail(id_lesson(&h, &(first..limit), &call)).detail(format!("It got {got:?}."))
            })?;
        }
        Ok(pass("every range handed out exactly, then None forever, with no wrap at u64::MAX"))
    })?
}

pub fn progress_edges() -> Verdict {
    within(step_limit(), "Progress on one thread", || {
        let progress = Progress::new();
        let mut said = vec![format!("new() -> {}", progress.done())];
        let mut want = 0;
        for n in [0, 3, 0, 4, 1 << 40, 1] {
            progress.add(n);
            want += n;
            let done = progress.done();
            said.push(format!("add({n}), done() -> {done}"));
            if done != want || Progress::default().done() != 0 {
                return Err(fail(format!(
                    "Progress on one thread: {}; done() should be {want} (and a new or default \
                     Progress 0): done() is the sum of every n added.",
                    said.join(", ")
                )));
            }
        }
        Ok(pass(format!("exact: {}", said.join(", "))))
    })?
}

/// Scripts of calls on a new `StopFlag` and what each must return:
/// `(Some(r), ..)` is `stop(r)`, `(None, ..)` is `stopped()`.
type Script = &'static [(Option<u32>, &'static str)];
const SCRIPTS: [Script; 4] = [
    &[(None, "None"), (None, "None"), (Some(7), "true"), (None, "Some(7)"), (Some(9), "false")],
    &[(Some(0), "true"), (None, "Some(0)"), (Some(5), "false"), (None, "Some(0)")],
    &[(Some(u32::MAX), "true"), (Some(0), "false"), (None, "Some(4294967295)")],
    &[(None, "None"), (Some(1), "true"), (Some(1), "false"), (Some(2), "false"), (None, "Some(1)")],
];

pub fn stop_edges() -> Verdict {
    within(step_limit(), "StopFlag on one thread", || {
        for script in SCRIPTS {
            let (flag, mut said) = (StopFlag::default(), Vec::new());
            for &(stop, want) in script {
                let (call, got) = match stop {
                    Some(r) => (format!("stop({r})"), flag.stop(r).to_string()),
                    None => ("stopped()".to_string(), format!("{:?}", flag.stopped())),
                };
                said.push(format!("{call} -> {got}"));
                kata_harness::ensure(got == want, || {
                    fail(format!(
                        "StopFlag on one thread: {}; that last call should return {want}. \
                         stopped() is None until the first stop, then Some(its reason) forever \
                         (0 and u32::MAX are reasons too); only the first stop returns true, \
                         and later ones change nothing.",
                        said.join(", ")
                    ))
                })?;
            }
        }
        Ok(pass("None until stopped; the first stop wins, for reasons 0, 7 and u32::MAX alike"))
    })?
}

/// The scenarios of the model build, larger, on real threads.
pub fn threads() -> Verdict {
    let limit = step_limit() / 4;
    let said = |e: kata_harness::Outcome| {
        let message = format!("on real threads (a second opinion): {}", e.message);
        kata_harness::Outcome { message, ..e }
    };
    scenarios::ids(4, 6_000, 0, 20_000).stress(3, limit).map_err(said)?;
    scenarios::ids(4, 600, MAX - 2_000, MAX).stress(3, limit).map_err(said)?;
    scenarios::progress(&[&[1, 2], &[3], &[1, 0]], 20_000, 1).stress(3, limit).map_err(said)?;
    scenarios::stop(2, 2, 1).stress(5, limit).map_err(said)?;
    Ok(pass(
        "4 threads took 20 000 and 2 000 ids (at u64::MAX) exactly, 3 workers' 140 000 added \
         exactly under a monitor, 2 stoppers and 2 workers agreed, 3 to 5 rounds each. This \
         machine's memory order hides ordering bugs: loom's verdict is the one that counts.",
    ))
}
