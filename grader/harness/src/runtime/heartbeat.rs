//! The verdict on a run's heartbeat (see the `runtime` module).

use super::{gaps, Beat, Gap, Offload, Watched, GAP_LIMIT, TICK};
use crate::judge::Judgement;
use crate::protocol::human_duration;
use crate::Verdict;

/// The verdict on the heartbeat of a run (see [`Beat`]): pass when no gap
/// reached [`GAP_LIMIT`], fail when one did because the runtime's thread was
/// computing or blocked waiting, inconclusive when the machine may have
/// stalled it. The picture of the ticks, and where the job's calls ran, are
/// in the details either way; `job.advice` ends a failure with what to do.
pub fn judge_heartbeat<T>(watched: &Watched<T>, job: &Offload) -> Verdict {
    let control_longest =
        gaps(&watched.control, watched.elapsed).iter().map(Gap::len).max().unwrap_or_default();
    let gap = watched.longest_gap();
    let mut j = Judgement::new();
    j.figure(
        "longest heartbeat gap",
        human_duration(gap.len()),
        format!("< {}", human_duration(GAP_LIMIT)),
    )
    .details(crate::picture::heartbeat(
        &format!(
            "heartbeat: a task on the runtime's thread that wakes every {}",
            human_duration(TICK)
        ),
        &watched.ticks,
        watched.elapsed,
        GAP_LIMIT,
    ))
    .detail(format!(
        "{} tick{} in {}; a plain thread sleeping {} at the same time went at most {} without a tick",
        watched.ticks.len(),
        if watched.ticks.len() == 1 { "" } else { "s" },
        human_duration(watched.elapsed),
        human_duration(TICK),
        human_duration(control_longest)
    ))
    .detail(job.place());
    let held = |gap: Gap| {
        format!(
            "the runtime's thread was held up for {} (from {} to {}): its heartbeat, due every {}, \
             could not run",
            human_duration(gap.len()),
            human_duration(gap.from),
            human_duration(gap.to),
            human_duration(TICK)
        )
    };
    match watched.beat() {
        Beat::Steady(gap) => Ok(j.pass(format!(
            "the runtime's thread was never held up: its heartbeat's longest gap was {}",
            human_duration(gap.len())
        ))),
        Beat::Computing(gap) if job.busy_waiting() => Err(j.fail(format!(
            "{}, because the thread spent {} of CPU in that time, though none of the {} calls of \
             {} ran on it: it was busy waiting for their results, in a loop that never gives the \
             thread back (`while !handle.is_finished() {{}}`, a `try_recv` loop). {}",
            held(gap),
            human_duration(gap.cpu.unwrap_or_default()),
            job.calls,
            job.function,
            super::offload::AWAIT_INSTEAD
        ))),
        Beat::Computing(gap) => Err(j.fail(format!(
            "{}, because the thread spent {} of CPU on other code in that time. For that long \
             every other task on the runtime waited too. {}",
            held(gap),
            human_duration(gap.cpu.unwrap_or_default()),
            job.advice
        ))),
        Beat::Waiting(gap) => Err(j.fail(format!(
            "{}, though the thread used almost no CPU and {}. So it was blocked waiting: a `join`, \
             a blocking `recv`, a sleep, a std lock, rayon's `install`? For that long every other \
             task on the runtime waited too. {}",
            held(gap),
            match gap.blocked() {
                Some(blocked) => format!(
                    "was not waiting for a core: the OS had it blocked for {}",
                    human_duration(blocked)
                ),
                None => "a plain thread beside it kept ticking".to_string(),
            },
            job.advice
        ))),
        // The run queue explains the gap (the thread was hardly blocked), or
        // else the control stalled through it too.
        Beat::MachineStalled(gap) => Ok(j.inconclusive(
            match gap.queued.filter(|_| gap.blocked() < Some(GAP_LIMIT / 2)) {
                Some(queued) => format!(
                    "inconclusive right now: the heartbeat went {} without a tick, but the runtime's \
                     thread was ready to run for {} of it and waited for a core: the machine was too \
                     busy to let it run, whatever the code did",
                    human_duration(gap.len()),
                    human_duration(queued)
                ),
                None => format!(
                    "inconclusive right now: the heartbeat went {} without a tick while the runtime's \
                     thread used almost no CPU, and a plain thread beside it stalled too ({} at most): \
                     the machine was too busy to tell a blocked thread from one it did not run",
                    human_duration(gap.len()),
                    human_duration(control_longest)
                ),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;
    use crate::runtime::beat::tests::{every, stalled_ticks};

    fn computing_run(on_runtime: usize) -> (Watched<()>, Offload<'static>) {
        let ticks = stalled_ticks();
        // 80 ms of CPU in the long gap (95 to 180 ms), none elsewhere.
        let tick_cpu = ticks.iter().map(|&t| if t < ms(100) { ms(0) } else { ms(80) }).collect();
        let watched = Watched {
            value: (),
            started: std::time::Instant::now(),
            elapsed: ms(300),
            runtime_cpu: Ok(ms(80)),
            runtime_thread: std::thread::current().id(),
            ticks,
            tick_cpu,
            runtime_queued: None,
            tick_queued: Vec::new(),
            control: every(5, 5, 300),
        };
        let job = Offload {
            job: "the 4 calls of `work`".into(),
            function: "`work`",
            calls: 4,
            on_runtime,
            advice: "Offload it.",
        };
        (watched, job)
    }

    #[test]
    fn a_computing_gap_names_inline_work_or_busy_waiting() {
        let (watched, inline) = computing_run(4);
        let failed = judge_heartbeat(&watched, &inline).unwrap_err();
        assert!(
            failed
                .message
                .starts_with("the runtime's thread was held up for 85 ms (from 95 ms to 180 ms)"),
            "{}",
            failed.message
        );
        assert!(failed.message.ends_with("Offload it."), "{}", failed.message);
        assert!(failed
            .details
            .iter()
            .any(|d| d == "4 of the 4 calls of `work` ran on the runtime's thread"));
        let (watched, elsewhere) = computing_run(0);
        let failed = judge_heartbeat(&watched, &elsewhere).unwrap_err();
        assert!(
            failed.message.contains("it was busy waiting for their results"),
            "{}",
            failed.message
        );
        assert!(!failed.message.contains("Offload it."), "{}", failed.message);
        assert_eq!(failed.figures[0].measured, "85 ms");
    }
}
