//! The model build: shuttle picks every interleaving, spurious wake-ups
//! included.

use super::*;
use kata_harness::model::{by_tag, explore_each, verdict};
use kata_sync::model::{Explored, Failure};

fn explain(failure: &Failure) -> String {
    by_tag(failure, &[], STUCK)
}

pub fn generations() -> Verdict {
    let two = meetings(2, 4, true).explore(explain);
    let both = two.and_then(|two| {
        let three = meetings(3, 3, true).explore(explain)?;
        Ok(Explored { executions: two.executions + three.executions, how: three.how })
    });
    verdict(both, "every thread out of each wait() only once all had arrived", explain)
}

pub fn phases() -> Verdict {
    let explored = explore_each(&[(2, 3), (3, 2)], explain, |(k, p)| {
        if let Err(failure) = phased(k, p, ms(0), true) {
            panic!("{}", failure.message);
        }
    });
    verdict(explored, "phases in order, on the same threads", explain)
}
