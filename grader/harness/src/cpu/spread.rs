//! Was the work spread over the pool? Judged against all the process's CPU.
//!
//! Judged call by call where the system can say ([`Repeated::each`]): work
//! cut into two pieces is spread over every thread of the pool when many
//! calls are added up (whichever thread wakes first takes the second piece,
//! a different one each time), and over two threads in every call. So the
//! verdict takes the best call, where the system tells each call's cost.
//!
//! A pool thread counts as one that did the work when it did at least
//! [`FAIR_PART`] of its fair share of *all* the CPU time the run cost (10%
//! on a pool of 4), and all the pool's threads but one must count. The rest
//! of the process may do at most [`OUTSIDE_LIMIT`] of the work. Counted
//! against the pool alone, code that did its work on threads of its own (a
//! pool it built, `std::thread`s) read as "4 of 4 pool threads did 10%" of
//! the little the pool did, and could earn a medal.

use super::{cores, unreadable, Repeated};
use crate::judge::Judgement;
use crate::protocol::human_duration;
use crate::Verdict;
use std::time::Duration;

/// The part of a fair share (all the CPU time ÷ the pool's threads) that a
/// thread must have done to count: 40%, that is 10% of the work on a pool
/// of 4.
pub const FAIR_PART: f64 = 0.4;

/// The most of the process's CPU time that may run outside the pool.
pub const OUTSIDE_LIMIT: f64 = 0.25;

/// What an exercise says when its function was not spread over the pool;
/// each text ends the message for its case.
#[derive(Clone, Copy, Debug)]
pub struct SpreadAdvice {
    /// The function under check, `byte_histogram`.
    pub function: &'static str,
    /// Much of the work ran outside the pool: "Use rayon's ...".
    pub outside: &'static str,
    /// One thread did all the work: how to split it.
    pub sequential: &'static str,
    /// Some threads did nothing: "the input was cut into too few pieces ...".
    pub too_few: &'static str,
}

/// Who did the work of one run on the pool.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub threads: usize,
    /// Pool threads that each did at least [`Spread::min_share`] of the
    /// work: of the best call's, where each call is known, else of all.
    pub busy: usize,
    /// Of how many calls, and how many of them had `busy` threads at work
    /// (0 when calls are not known one by one).
    pub calls: usize,
    pub best_calls: usize,
    /// CPU time of the pool's threads, and of the rest of the process.
    pub pool: Duration,
    pub outside: Duration,
}

impl Spread {
    /// # Errors
    /// This system cannot read the clocks, or they did not move.
    pub fn of(run: &Repeated) -> Result<Spread, String> {
        let usage = &run.usage;
        let threads = usage.per_thread.as_ref().map_or(0, Vec::len).max(1);
        let min_share = FAIR_PART / threads as f64;
        let mut busy = usage.busy_threads(min_share)?;
        let mut best_calls = 0;
        if !run.each.is_empty() {
            // A call whose clocks did not move (a very quick one, on a
            // coarse clock) says nothing: it counts as no thread busy.
            let each: Vec<usize> =
                run.each.iter().map(|u| u.busy_threads(min_share).unwrap_or(0)).collect();
            busy = each.iter().copied().max().unwrap_or(0);
            best_calls = each.iter().filter(|&&b| b == busy).count();
        }
        Ok(Spread {
            threads,
            busy,
            calls: run.calls,
            best_calls,
            pool: usage.pool_total().unwrap_or_default(),
            outside: usage.outside_pool().unwrap_or_default(),
        })
    }

    /// The share of all the CPU time a pool thread must have done.
    pub fn min_share(&self) -> f64 {
        FAIR_PART / self.threads as f64
    }

    /// How many pool threads must be busy: all but one.
    pub fn needed(&self) -> usize {
        self.threads.saturating_sub(1).max(1)
    }

    /// The share of all the CPU time that ran outside the pool.
    pub fn outside_share(&self) -> f64 {
        let total = (self.pool + self.outside).as_secs_f64();
        if total == 0.0 {
            0.0
        } else {
            self.outside.as_secs_f64() / total
        }
    }

    /// Spread over the pool, and done by it.
    pub fn parallel(&self) -> bool {
        self.busy >= self.needed() && self.outside_share() <= OUTSIDE_LIMIT
    }
}

/// The verdict on the spread of one run of `ran` ("12 histograms of 16 MB")
/// on a pool: pass when [`Spread::parallel`], else the failure that fits,
/// ended by `advice`; the table of every thread's CPU time either way.
/// Inconclusive when this system cannot read the clocks.
pub fn judge_spread(run: &Repeated, ran: &str, advice: &SpreadAdvice) -> Verdict {
    let spread = match Spread::of(run) {
        Ok(spread) => spread,
        Err(reason) => return Ok(unreadable(&reason)),
    };
    let usage = &run.usage;
    let Spread { threads, busy, pool, outside, .. } = spread;
    let share = format!("{:.0}%", spread.min_share() * 100.0);
    let outside_share = spread.outside_share();
    let mut judgement = Judgement::new();
    judgement
        .figure(
            format!("pool threads with ≥ {share} of the CPU work"),
            busy,
            format!(">= {} of {threads}", spread.needed()),
        )
        .figure(
            "CPU work outside the pool",
            format!("{:.0}%", outside_share * 100.0),
            format!("<= {:.0}%", OUTSIDE_LIMIT * 100.0),
        )
        .detail(format!(
            "CPU time of each pool thread over {ran}, called one after another from one task of \
             the pool ({} of wall time), as a share of all the process's CPU time:",
            human_duration(usage.wall)
        ))
        .details(usage.table().into_iter().map(|line| format!("  {line}")));
    let of_a_call = if spread.best_calls > 0 {
        judgement.detail(format!(
            "Call by call: at best {busy} of the {threads} threads each did {share} of one call's \
             CPU time ({} of the {} calls).",
            spread.best_calls, spread.calls
        ));
        " of any one call"
    } else {
        ""
    };
    let function = advice.function;
    if outside_share > OUTSIDE_LIMIT {
        return Err(judgement.fail(format!(
            "{} of the CPU work ({} of {}) ran on threads outside the pool that called {function}: \
             did you start your own threads or build your own pool? {}",
            if outside_share > 0.5 {
                "most".to_string()
            } else {
                format!("{:.0}%", outside_share * 100.0)
            },
            human_duration(outside),
            human_duration(outside + pool),
            advice.outside
        )));
    }
    if busy >= spread.needed() {
        return Ok(judgement.pass(format!(
            "{busy} of {threads} pool threads each did at least {share} of the work"
        )));
    }
    if busy <= 1 {
        return Err(judgement.fail(format!(
            "one thread of the pool did all the work: {function} ran sequentially. {}",
            advice.sequential
        )));
    }
    // A split into one piece per core is caught on every machine, since the
    // pool has more threads than cores: say so when it looks like one.
    let cores = cores();
    let machine = if busy == cores {
        format!(
            " ({busy} is this machine's number of cores; the pool has {threads} threads, more \
             than any machine it runs on has cores: the caller decides the threads, not the \
             machine.)"
        )
    } else {
        String::new()
    };
    Err(judgement.fail(format!(
        "only {busy} of the pool's {threads} threads each did {share} of the work{of_a_call}: \
         {}{machine}",
        advice.too_few
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::Usage;
    use crate::Status;

    fn usage(ms: &[u64], outside: u64) -> Usage {
        Usage {
            per_thread: Ok(ms.iter().map(|&m| Duration::from_millis(m)).collect()),
            wall: Duration::from_millis(100),
            process: Some(Duration::from_millis(ms.iter().sum::<u64>() + outside)),
        }
    }

    /// One run of many calls, known only as a sum.
    fn summed(ms: &[u64], outside: u64) -> Repeated {
        Repeated { calls: 10, usage: usage(ms, outside), each: Vec::new() }
    }

    const ADVICE: SpreadAdvice = SpreadAdvice {
        function: "f",
        outside: "Use the pool.",
        sequential: "Split it.",
        too_few: "More pieces.",
    };

    #[test]
    fn a_pool_that_did_the_work_passes() {
        let v = judge_spread(&summed(&[25, 25, 20, 2], 1), "runs", &ADVICE).unwrap();
        assert_eq!(v.status, Status::Passed);
        assert_eq!(v.message, "3 of 4 pool threads each did at least 10% of the work");
        assert_eq!(v.figures[0].measured, "3");
    }

    #[test]
    fn work_on_threads_of_its_own_fails_however_even_the_pool_looks() {
        let v = judge_spread(&summed(&[10, 10, 10, 10], 360), "runs", &ADVICE).unwrap_err();
        assert!(v.message.starts_with("most of the CPU work (360 ms of 400 ms) ran on threads outside the pool that called f"), "{}", v.message);
        let v = judge_spread(&summed(&[60, 60, 60, 60], 160), "runs", &ADVICE).unwrap_err();
        assert!(v.message.starts_with("40% of the CPU work"), "{}", v.message);
        assert_eq!(v.figures[1].measured, "40%");
        assert!(v.details.iter().any(|d| d.contains("not the pool")));
    }

    #[test]
    fn one_busy_thread_is_sequential_and_two_are_too_few() {
        let v = judge_spread(&summed(&[100, 1, 0, 0], 0), "runs", &ADVICE).unwrap_err();
        assert_eq!(
            v.message,
            "one thread of the pool did all the work: f ran sequentially. Split it."
        );
        let v = judge_spread(&summed(&[50, 50, 0, 0], 0), "runs", &ADVICE).unwrap_err();
        assert!(
            v.message.starts_with(
                "only 2 of the pool's 4 threads each did 10% of the work: More pieces."
            ),
            "{}",
            v.message
        );
    }

    #[test]
    fn the_rule_scales_with_the_pool() {
        let s = Spread::of(&summed(&[10; 10], 0)).unwrap();
        assert_eq!((s.needed(), s.busy), (9, 10));
        assert!((s.min_share() - 0.04).abs() < 1e-12);
        assert!(s.parallel());
        let clocks_stuck = summed(&[0, 0, 0, 0], 0);
        let v = judge_spread(&clocks_stuck, "runs", &ADVICE).unwrap();
        assert_eq!(v.status, Status::Inconclusive);
    }

    #[test]
    fn two_pieces_a_call_are_too_few_though_all_calls_cover_the_pool() {
        // Each call: the calling thread and one other, a different one each
        // time; added up, every thread did a fair part.
        let each: Vec<Usage> = (1..4)
            .map(|other| {
                let mut ms = [0u64; 4];
                ms[0] = 10;
                ms[other] = 10;
                usage(&ms, 0)
            })
            .collect();
        let run = Repeated { calls: 3, usage: usage(&[30, 10, 10, 10], 0), each };
        let s = Spread::of(&run).unwrap();
        assert_eq!((s.busy, s.best_calls), (2, 3));
        let v = judge_spread(&run, "runs", &ADVICE).unwrap_err();
        assert!(v.message.starts_with("only 2 of the pool's 4 threads each did 10% of the work of any one call: More pieces."), "{}", v.message);
        assert!(v
            .details
            .iter()
            .any(|d| d.starts_with("Call by call: at best 2 of the 4 threads")));
    }
}
